#!/usr/bin/python3
"""Generates bindings/LodeDb.Native/Generated/NativeMethods.g.cs from native/include/lodedb/lodedb.h.

Uses libclang (Debian's python3-clang) so the C declarations are parsed by a real C front end
rather than by regular expressions: a declaration the generator does not understand fails the
run loudly instead of being skipped.

Output rules (see docs of the binding): blittable signatures only, for [LibraryImport] with
source-generated marshalling and [assembly: DisableRuntimeMarshalling]:
  fixed-width integers -> the C# integer of the same width, size_t -> nuint,
  any data pointer -> a typed pointer (byte*, float*, ulong*, ...), const char* -> byte*,
  opaque handles (pointers to incomplete structs) -> their SafeHandle class (HANDLE_TYPES), so
  the source-generated marshalling holds a reference on the handle for the call (a concurrent
  Dispose frees it only after the call returns); out handles -> `out` of that class; the
  functions that free a handle (RELEASE_FUNCTIONS, called from ReleaseHandle) take the raw nint,
  enums -> C# enums over int, plain structs -> [StructLayout(Sequential)] structs,
  function-pointer typedefs -> delegate* unmanaged[Cdecl]<...>,
  #define LODEDB_* numeric constants -> C# constants.

The first line of the output names the generator and the SHA-256 of the header (line endings
normalised to LF, so a CRLF checkout hashes the same); the NUnit drift test recomputes it.

Usage:
  /usr/bin/python3 bindings/generator/generate_bindings.py          # (re)write the file
  /usr/bin/python3 bindings/generator/generate_bindings.py --check  # exit 1 if it is stale
"""

import argparse
import difflib
import glob
import hashlib
import os
import re
import sys

import clang.cindex as ci

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
HEADER_REL = "native/include/lodedb/lodedb.h"
OUTPUT_REL = "bindings/LodeDb.Native/Generated/NativeMethods.g.cs"
GENERATOR_REL = "bindings/generator/generate_bindings.py"
NAMESPACE = "LodeDb.Native.Interop"
LIBRARY_NAME = "lodedb"

# Each opaque handle type of the header and the SafeHandle class that owns it. An opaque type
# missing here fails the run.
HANDLE_TYPES = {
    "lodedb_index": "global::LodeDb.Native.IndexHandle",
    "lodedb_wal": "global::LodeDb.Native.WalHandle",
}

# The functions that free a handle: called from the SafeHandle's ReleaseHandle with the raw
# pointer (a SafeHandle parameter there would take a reference on a handle being released).
RELEASE_FUNCTIONS = {"lodedb_index_free", "lodedb_wal_close"}

# Macros of the header that are plumbing, not API.
SKIPPED_MACROS = {"LODEDB_API", "LODEDB_LODEDB_H", "LODEDB_BUILDING_LIBRARY"}

PRIMITIVES = {
    ci.TypeKind.VOID: "void",
    ci.TypeKind.CHAR_S: "byte",
    ci.TypeKind.SCHAR: "sbyte",
    ci.TypeKind.UCHAR: "byte",
    ci.TypeKind.CHAR_U: "byte",
    ci.TypeKind.SHORT: "short",
    ci.TypeKind.USHORT: "ushort",
    ci.TypeKind.INT: "int",
    ci.TypeKind.UINT: "uint",
    ci.TypeKind.LONGLONG: "long",
    ci.TypeKind.ULONGLONG: "ulong",
    ci.TypeKind.FLOAT: "float",
    ci.TypeKind.DOUBLE: "double",
}

# Typedef names that must keep their meaning whatever the platform's underlying type is
# (uint64_t is 'unsigned long' on LP64 Linux, 'unsigned long long' on Windows).
TYPEDEF_NAMES = {
    "uint8_t": "byte", "int8_t": "sbyte", "uint16_t": "ushort", "int16_t": "short",
    "uint32_t": "uint", "int32_t": "int", "uint64_t": "ulong", "int64_t": "long",
    "size_t": "nuint", "ptrdiff_t": "nint", "intptr_t": "nint", "uintptr_t": "nuint",
}

CSHARP_KEYWORDS = {
    "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked",
    "class", "const", "continue", "decimal", "default", "delegate", "do", "double", "else",
    "enum", "event", "explicit", "extern", "false", "finally", "fixed", "float", "for",
    "foreach", "goto", "if", "implicit", "in", "int", "interface", "internal", "is", "lock",
    "long", "namespace", "new", "null", "object", "operator", "out", "override", "params",
    "private", "protected", "public", "readonly", "ref", "return", "sbyte", "sealed", "short",
    "sizeof", "stackalloc", "static", "string", "struct", "switch", "this", "throw", "true",
    "try", "typeof", "uint", "ulong", "unchecked", "unsafe", "ushort", "using", "virtual",
    "void", "volatile", "while",
}


class GeneratorError(Exception):
    pass


def find_libclang():
    candidates = [os.environ.get("LODEDB_LIBCLANG", "")]
    candidates += ["/usr/lib/x86_64-linux-gnu/libclang-14.so.1",
                   "/usr/lib/aarch64-linux-gnu/libclang-14.so.1"]
    candidates += sorted(glob.glob("/usr/lib/*/libclang-*.so*"), reverse=True)
    candidates += sorted(glob.glob("/usr/lib/llvm-*/lib/libclang*.so*"), reverse=True)
    for path in candidates:
        if path and os.path.isfile(path):
            return path
    return None


def header_sha256(data: bytes) -> str:
    # CRLF -> LF so a Windows checkout with autocrlf hashes like the committed file.
    return hashlib.sha256(data.replace(b"\r\n", b"\n")).hexdigest()


def pascal(name: str) -> str:
    return "".join(part[:1].upper() + part[1:].lower() for part in name.split("_") if part)


def camel(name: str) -> str:
    p = pascal(name)
    result = p[:1].lower() + p[1:]
    return "@" + result if result in CSHARP_KEYWORDS else result


def type_name(c_name: str) -> str:
    """lodedb_index_info -> LodeDbIndexInfo."""
    if c_name.startswith("lodedb_"):
        return "LodeDb" + pascal(c_name[len("lodedb_"):])
    return pascal(c_name)


def function_name(c_name: str) -> str:
    """lodedb_index_add -> IndexAdd (the class name already says LodeDb)."""
    if not c_name.startswith("lodedb_"):
        raise GeneratorError(f"exported function {c_name} lacks the lodedb_ prefix")
    return pascal(c_name[len("lodedb_"):])


class Comments:
    """The C comments of the header, indexed by the lines they occupy."""

    def __init__(self, text: str):
        self.blocks = []  # (start_line, end_line, start_col, body_lines)
        for m in re.finditer(r"/\*(.*?)\*/", text, re.S):
            start_line = text.count("\n", 0, m.start()) + 1
            end_line = text.count("\n", 0, m.end()) + 1
            line_start = text.rfind("\n", 0, m.start()) + 1
            start_col = m.start() - line_start
            standalone = not text[line_start:m.start()].strip()
            self.blocks.append((start_line, end_line, start_col, standalone,
                                self._body(m.group(1))))

    @staticmethod
    def _body(raw: str):
        lines = []
        for i, line in enumerate(raw.split("\n")):
            line = line.strip()
            # Continuation lines start with the block's " * "; the first line has none, so a
            # leading '*' there is content (e.g. "*out_live = 1 ...").
            if i > 0 and line.startswith("*"):
                line = line[1:].strip()
            lines.append(line)
        while lines and not lines[0]:
            lines.pop(0)
        while lines and not lines[-1]:
            lines.pop()
        return lines

    def before(self, line: int):
        """The comment that ends on the line right above `line` (a leading doc comment)."""
        for _start, end, _col, standalone, body in self.blocks:
            if standalone and end == line - 1 and not body[0].startswith("----"):
                return body
        return None

    def trailing(self, line: int):
        """A comment that starts on `line` after code (a field's trailing comment)."""
        for start, _end, _col, standalone, body in self.blocks:
            if start == line and not standalone:
                return body
        return None


def xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def doc_lines(body, indent: str):
    if not body:
        return []
    out = [f"{indent}/// <summary>"]
    for line in body:
        out.append(f"{indent}/// {xml_escape(line)}".rstrip())
    out.append(f"{indent}/// </summary>")
    return out


class Generator:
    def __init__(self, header_path: str):
        self.header_path = header_path
        with open(header_path, "rb") as f:
            self.header_bytes = f.read()
        self.header_text = self.header_bytes.decode("utf-8").replace("\r\n", "\n")
        self.comments = Comments(self.header_text)
        self.opaque = set()          # struct names without a definition: handles
        self.function_pointers = {}  # typedef name -> C# function pointer type
        self.enums = []
        self.structs = []
        self.functions = []
        self.macros = []

    # ---- parsing ---------------------------------------------------------------------------

    def parse(self):
        index = ci.Index.create()
        tu = index.parse(
            self.header_path,
            args=["-x", "c", "-std=c11", "-fparse-all-comments"],
            options=ci.TranslationUnit.PARSE_DETAILED_PROCESSING_RECORD
            | ci.TranslationUnit.PARSE_SKIP_FUNCTION_BODIES,
        )
        errors = [d for d in tu.diagnostics if d.severity >= ci.Diagnostic.Error]
        if errors:
            raise GeneratorError("libclang could not parse the header:\n" +
                                 "\n".join(str(d) for d in errors))
        header = os.path.realpath(self.header_path)
        cursors = [c for c in tu.cursor.get_children()
                   if c.location.file and os.path.realpath(c.location.file.name) == header]

        # First pass: which struct names are opaque, which typedefs are function pointers.
        for c in cursors:
            if c.kind == ci.CursorKind.STRUCT_DECL and not c.is_definition():
                self.opaque.add(c.spelling)
        for c in cursors:
            if c.kind == ci.CursorKind.STRUCT_DECL and c.is_definition():
                self.opaque.discard(c.spelling)
        for c in cursors:
            if c.kind == ci.CursorKind.TYPEDEF_DECL:
                under = c.underlying_typedef_type
                if under.kind == ci.TypeKind.POINTER and \
                        under.get_pointee().kind == ci.TypeKind.FUNCTIONPROTO:
                    self.function_pointers[c.spelling] = self.function_pointer_type(
                        under.get_pointee(), c.spelling)

        for c in cursors:
            if c.kind == ci.CursorKind.MACRO_DEFINITION:
                self.add_macro(c)
            elif c.kind == ci.CursorKind.ENUM_DECL and c.is_definition():
                self.add_enum(c)
            elif c.kind == ci.CursorKind.STRUCT_DECL and c.is_definition():
                self.add_struct(c)
            elif c.kind == ci.CursorKind.FUNCTION_DECL:
                self.add_function(c)

        # Cross-check with the text: every LODEDB_API declaration must have been understood.
        declared = set(re.findall(r"LODEDB_API\s[^;(]*?\b(lodedb_\w+)\s*\(", self.header_text))
        parsed = {f["c_name"] for f in self.functions}
        if declared != parsed:
            raise GeneratorError(f"LODEDB_API functions not understood: {sorted(declared ^ parsed)}")

    def add_macro(self, c):
        name = c.spelling
        if not name.startswith("LODEDB_") or name in SKIPPED_MACROS:
            return
        tokens = [t.spelling for t in c.get_tokens()][1:]
        if not tokens:
            return
        value_text = " ".join(tokens)
        if value_text == "UINT64_MAX":
            cs_type, value = "ulong", "ulong.MaxValue"
        elif value_text == "UINT32_MAX":
            cs_type, value = "uint", "uint.MaxValue"
        elif re.fullmatch(r"\(?\s*-?\s*\d+\s*\)?", value_text):
            literal = int(re.sub(r"[()\s]", "", value_text))
            cs_type, value = "int", str(literal)
        elif re.fullmatch(r"\d+[uU]", value_text):
            cs_type, value = "uint", value_text[:-1] + "u"
        else:
            raise GeneratorError(f"macro {name} = {value_text!r}: value not understood")
        self.macros.append({
            "c_name": name, "name": pascal(name[len("LODEDB_"):]), "type": cs_type,
            "value": value, "doc": self.comments.before(c.extent.start.line),
        })

    def add_enum(self, c):
        constants = list(c.get_children())
        names = [k.spelling for k in constants]
        prefix = os.path.commonprefix(names)
        prefix = prefix[: prefix.rfind("_") + 1]
        members = []
        for k in constants:
            short = k.spelling[len(prefix):]
            if short.startswith("ERR_"):
                short = short[len("ERR_"):]
            members.append({
                "c_name": k.spelling, "name": pascal(short), "value": k.enum_value,
                "doc": self.comments.before(k.extent.start.line),
            })
        self.enums.append({
            "c_name": c.spelling, "name": type_name(c.spelling), "members": members,
            "doc": self.comments.before(self.decl_line(c)),
        })

    def add_struct(self, c):
        fields = []
        for f in c.get_children():
            if f.kind != ci.CursorKind.FIELD_DECL:
                raise GeneratorError(f"struct {c.spelling}: unsupported member {f.kind}")
            fields.append({
                "c_name": f.spelling, "name": pascal(f.spelling),
                "type": self.cs_type(f.type, f"{c.spelling}.{f.spelling}"),
                "doc": self.comments.trailing(f.extent.start.line)
                or self.comments.before(f.extent.start.line),
            })
        self.structs.append({
            "c_name": c.spelling, "name": type_name(c.spelling), "fields": fields,
            "doc": self.comments.before(self.decl_line(c)),
        })

    def add_function(self, c):
        where = c.spelling
        params = []
        raw_handles = c.spelling in RELEASE_FUNCTIONS
        for p in c.get_arguments():
            params.append({"name": camel(p.spelling),
                           "type": self.cs_type(p.type, f"{where}({p.spelling})", raw_handles)})
        self.functions.append({
            "c_name": c.spelling, "name": function_name(c.spelling),
            "result": self.cs_type(c.result_type, f"{where} result"), "params": params,
            "doc": self.comments.before(c.extent.start.line),
        })

    @staticmethod
    def decl_line(c):
        # 'typedef enum x {' starts at the typedef keyword; libclang's extent of the inner
        # declaration starts at 'enum', which is on the same line in this header.
        return c.extent.start.line

    # ---- types -----------------------------------------------------------------------------

    def handle_type(self, name: str, where: str, raw: bool) -> str:
        if name not in HANDLE_TYPES:
            raise GeneratorError(f"{where}: opaque handle {name} has no SafeHandle in HANDLE_TYPES")
        return "nint" if raw else HANDLE_TYPES[name]

    def opaque_name(self, t):
        """The struct name when t (a pointee) is an opaque struct or a typedef of one, else None."""
        if t.kind == ci.TypeKind.ELABORATED:
            t = t.get_named_type()
        if t.kind == ci.TypeKind.TYPEDEF and t.get_declaration().spelling not in TYPEDEF_NAMES:
            inner = t.get_declaration().underlying_typedef_type
            if inner.kind == ci.TypeKind.ELABORATED:
                inner = inner.get_named_type()
            t = inner
        if t.kind == ci.TypeKind.RECORD and t.get_declaration().spelling in self.opaque:
            return t.get_declaration().spelling
        return None

    def cs_type(self, t, where: str, raw_handles: bool = False) -> str:
        if t.kind == ci.TypeKind.ELABORATED:
            t = t.get_named_type()
        if t.kind == ci.TypeKind.TYPEDEF:
            name = t.get_declaration().spelling
            if name in TYPEDEF_NAMES:
                return TYPEDEF_NAMES[name]
            if name in self.function_pointers:
                return self.function_pointers[name]
            decl = t.get_declaration()
            under = decl.underlying_typedef_type
            return self.cs_type(under, where)
        if t.kind == ci.TypeKind.ENUM:
            return type_name(t.get_declaration().spelling)
        if t.kind == ci.TypeKind.RECORD:
            name = t.get_declaration().spelling
            if name in self.opaque:
                raise GeneratorError(f"{where}: opaque struct {name} used by value")
            return type_name(name)
        if t.kind == ci.TypeKind.POINTER:
            pointee = t.get_pointee()
            base = pointee
            if base.kind == ci.TypeKind.ELABORATED:
                base = base.get_named_type()
            handle = self.opaque_name(base)
            if handle is not None:
                return self.handle_type(handle, where, raw_handles)  # lodedb_index*
            if base.kind == ci.TypeKind.POINTER:
                inner = self.opaque_name(base.get_pointee())
                if inner is not None:
                    # lodedb_index **out_index: the call creates a handle.
                    if raw_handles:
                        raise GeneratorError(f"{where}: a release function creating a handle")
                    return "out " + self.handle_type(inner, where, False)
                return self.cs_type(base, where) + "*"
            if base.kind == ci.TypeKind.VOID:
                return "void*"
            return self.cs_type(base, where) + "*"
        if t.kind in PRIMITIVES:
            if t.kind in (ci.TypeKind.CHAR_S, ci.TypeKind.CHAR_U):
                return "byte"
            return PRIMITIVES[t.kind]
        raise GeneratorError(f"{where}: unsupported type {t.spelling} ({t.kind})")

    def function_pointer_type(self, proto, where: str) -> str:
        args = [self.cs_type(a, where) for a in proto.argument_types()]
        args.append(self.cs_type(proto.get_result(), where))
        return "delegate* unmanaged[Cdecl]<" + ", ".join(args) + ">"

    # ---- output ----------------------------------------------------------------------------

    def render(self) -> str:
        sha = header_sha256(self.header_bytes)
        out = [
            f"// <auto-generated> by {GENERATOR_REL} from {HEADER_REL} sha256={sha} </auto-generated>",
            "// Do not edit: change the header and run",
            f"//   /usr/bin/python3 {GENERATOR_REL}",
            "// The drift test (tests/LodeDb.Native.Tests/HeaderDriftTests.cs) fails when this file and the",
            "// header disagree.",
            "#nullable enable",
            "using System.Runtime.CompilerServices;",
            "using System.Runtime.InteropServices;",
            "",
            f"namespace {NAMESPACE};",
            "",
        ]
        out += ["/// <summary>The #define constants of lodedb.h.</summary>",
                "public static class NativeConstants", "{"]
        for i, m in enumerate(self.macros):
            if i:
                out.append("")
            out += doc_lines(m["doc"], "    ")
            out.append(f"    public const {m['type']} {m['name']} = {m['value']};")
        out += ["}", ""]

        for e in self.enums:
            out += doc_lines(e["doc"], "")
            out.append(f"public enum {e['name']} : int")
            out.append("{")
            for m in e["members"]:
                out += doc_lines(m["doc"], "    ")
                out.append(f"    {m['name']} = {m['value']},")
            out += ["}", ""]

        for s in self.structs:
            out += doc_lines(s["doc"], "")
            out.append("[StructLayout(LayoutKind.Sequential)]")
            out.append(f"public struct {s['name']}")
            out.append("{")
            for f in s["fields"]:
                out += doc_lines(f["doc"], "    ")
                out.append(f"    public {f['type']} {f['name']};")
            out += ["}", ""]

        out += [
            "/// <summary>",
            "/// Every exported function of liblodedb, one [LibraryImport] each. Blittable signatures only:",
            "/// callers pin spans with <c>fixed</c> and pass NUL-terminated UTF-8 for <c>const char*</c>;",
            "/// handles are SafeHandles, referenced for the length of each call. Internal: the public",
            "/// surface is NativeIndex, NativeWal and NativeLibraryInfo (docs/low-level.md).",
            "/// </summary>",
            "internal static unsafe partial class NativeMethods",
            "{",
            f"    public const string LibraryName = \"{LIBRARY_NAME}\";",
        ]
        for f in self.functions:
            out.append("")
            out += doc_lines(f["doc"], "    ")
            params = ", ".join(f"{p['type']} {p['name']}" for p in f["params"])
            out.append(f"    [LibraryImport(LibraryName, EntryPoint = \"{f['c_name']}\")]")
            out.append("    [UnmanagedCallConv(CallConvs = new[] { typeof(CallConvCdecl) })]")
            out.append(f"    public static partial {f['result']} {f['name']}({params});")
        out += ["}", ""]
        return "\n".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="compare with the committed file; exit 1 when it is stale")
    parser.add_argument("--header", default=os.path.join(REPO, HEADER_REL))
    parser.add_argument("--output", default=os.path.join(REPO, OUTPUT_REL))
    args = parser.parse_args()

    libclang = find_libclang()
    if libclang is None:
        print("libclang not found: apt-get install python3-clang (or set LODEDB_LIBCLANG)",
              file=sys.stderr)
        return 2
    ci.Config.set_library_file(libclang)

    try:
        gen = Generator(args.header)
        gen.parse()
        text = gen.render()
    except GeneratorError as e:
        print(f"generate_bindings: {e}", file=sys.stderr)
        return 2

    if args.check:
        try:
            with open(args.output, encoding="utf-8", newline="") as f:
                current = f.read().replace("\r\n", "\n")
        except FileNotFoundError:
            current = ""
        if current == text:
            print(f"{OUTPUT_REL} is up to date")
            return 0
        diff = difflib.unified_diff(current.splitlines(), text.splitlines(),
                                    "committed", "generated", lineterm="", n=1)
        print(f"{OUTPUT_REL} is stale; run /usr/bin/python3 {GENERATOR_REL}", file=sys.stderr)
        for line in list(diff)[:80]:
            print(line, file=sys.stderr)
        return 1

    os.makedirs(os.path.dirname(args.output), exist_ok=True)
    with open(args.output, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    print(f"wrote {os.path.relpath(args.output, REPO)} ({len(gen.functions)} functions)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
