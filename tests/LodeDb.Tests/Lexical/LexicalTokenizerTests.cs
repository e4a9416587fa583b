using LodeDb.Lexical;

namespace LodeDb.Tests.Lexical;

/// <summary>The tokenizer's edge rules, one row each; the rules are a storage format once persisted.</summary>
public sealed class LexicalTokenizerTests
{
    [TestCase("E1234", "e1234")]
    [TestCase("ABC-123", "abc-123")]
    [TestCase("2024-01-15", "2024-01-15")]
    [TestCase("Error E1234 in ABC-123 on 2024-01-15.", "error|e1234|in|abc-123|on|2024-01-15")]
    [TestCase("v1.2.3", "v1.2.3")]
    [TestCase("a/b", "a/b")]
    [TestCase("end.", "end")]
    [TestCase("The end. Next", "the|end|next")]
    [TestCase("Hello, World!", "hello|world")]
    [TestCase("MiXeD CaSe", "mixed|case")]
    [TestCase("", "")]
    [TestCase("   \t\n ", "")]
    [TestCase("-.-/", "")]
    [TestCase("-x-", "x")]
    [TestCase(".5", "5")]
    [TestCase("3.14.", "3.14")]
    [TestCase("e.g. U.S.A.", "e.g|u.s.a")]
    [TestCase("a--b", "a|b")]
    [TestCase("a.-b", "a|b")]
    [TestCase("a//b", "a|b")]
    [TestCase("a-b-c", "a-b-c")]
    [TestCase("a - b", "a|b")]
    [TestCase("https://example.com/a/b?q=1", "https|example.com/a/b|q|1")]
    [TestCase("/usr/local/bin/", "usr/local/bin")]
    [TestCase("snake_case", "snake|case")]
    [TestCase("don't", "don|t")]
    [TestCase("C# C++ .NET", "c|c|net")]
    [TestCase("user@example.com", "user|example.com")]
    [TestCase("1,000,000", "1|000|000")]
    [TestCase("x\u00D7y", "x|y")]
    [TestCase("Caf\u00E9 CAF\u00C9", "cafe|cafe")]
    [TestCase("Stra\u00DFe", "strasse")]
    [TestCase("na\u00EFve \u0152uvre \u00C6sir", "naive|oeuvre|aesir")]
    [TestCase("\u0141\u00F3d\u017A", "lodz")]
    [TestCase("\u00DEorn", "thorn")]
    [TestCase("Kr\u00F6ller-M\u00FCller", "kroller-muller")]
    [TestCase("\u65E5\u672CE1234", "e1234")]
    [TestCase("\u041C\u043E\u0441\u043A\u0432\u0430 2024", "2024")]
    [TestCase("cafe\u0301 a\u0301-b \u0301x", "cafe|a-b|x")]
    [TestCase("a-\u0301b", "a|b")]
    [TestCase("\uD83D\uDE00ok\uD83D\uDE00", "ok")]
    [TestCase("\uFF21\uFF22", "")]
    public void Tokenizes(string text, string expected)
    {
        string[] want = expected.Length == 0 ? [] : expected.Split('|');
        Assert.That(LexicalTokenizer.Tokenize(text), Is.EqualTo(want));
    }

    [Test]
    public void DropsTokensLongerThanTheLimit()
    {
        string kept = new('a', LexicalTokenizer.MaxTokenLength);
        string dropped = new('b', LexicalTokenizer.MaxTokenLength + 1);
        Assert.That(LexicalTokenizer.Tokenize($"x {dropped} {kept} y"), Is.EqualTo(new[] { "x", kept, "y" }));
    }

    [Test]
    public void MeasuresTheLimitAfterFolding()
    {
        // 200 source characters fold to 400: over the limit although the source is under it.
        string folded = string.Concat(Enumerable.Repeat("\u00DF", 200));
        string exact = string.Concat(Enumerable.Repeat("\u00DF", LexicalTokenizer.MaxTokenLength / 2));
        Assert.That(LexicalTokenizer.Tokenize($"{folded} ok"), Is.EqualTo(new[] { "ok" }));
        Assert.That(LexicalTokenizer.Tokenize(exact).Single(), Is.EqualTo(new string('s', LexicalTokenizer.MaxTokenLength)));
    }

    [Test]
    public void FoldsEveryLatinLetterToAsciiLowercase()
    {
        for (char c = '\u00C0'; c <= '\u017F'; c++)
        {
            List<string> tokens = LexicalTokenizer.Tokenize(c.ToString());
            if (c is '\u00D7' or '\u00F7')
            {
                Assert.That(tokens, Is.Empty, $"U+{(int)c:X4}");
                continue;
            }

            Assert.That(tokens, Has.Count.EqualTo(1), $"U+{(int)c:X4}");
            Assert.That(tokens[0], Does.Match("^[a-z]{1,2}$"), $"U+{(int)c:X4}");
        }
    }

    [Test]
    public void SpanEnumerationMatchesTokenizeOnRandomText()
    {
        const string alphabet = "abcXYZ019-./ _,\u00E9\u00DF\u65E5\u0301";
        var random = new Random(7);
        Span<char> buffer = stackalloc char[LexicalTokenizer.MaxTokenLength];
        for (int round = 0; round < 2000; round++)
        {
            var text = new string(Enumerable.Range(0, random.Next(0, 40)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            var viaSpan = new List<string>();
            foreach (ReadOnlySpan<char> token in LexicalTokenizer.EnumerateTokens(text, buffer))
            {
                viaSpan.Add(token.ToString());
            }

            List<string> tokens = LexicalTokenizer.Tokenize(text);
            Assert.That(viaSpan, Is.EqualTo(tokens), text);
            foreach (string token in tokens)
            {
                // Every token obeys the documented shape, and tokenizing it again is the identity.
                Assert.That(token, Does.Match("^[0-9a-z]+([-./][0-9a-z]+)*$"), text);
                Assert.That(LexicalTokenizer.Tokenize(token), Is.EqualTo(new[] { token }), text);
            }
        }
    }

    [Test]
    public void RejectsASmallBuffer()
    {
        Assert.Throws<ArgumentException>(() => LexicalTokenizer.EnumerateTokens("x", new char[LexicalTokenizer.MaxTokenLength - 1]));
    }
}
