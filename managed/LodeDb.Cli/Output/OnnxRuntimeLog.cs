using Microsoft.ML.OnnxRuntime;

namespace LodeDb.Cli.Output;

/// <summary>
/// Routes ONNX Runtime's own log through <c>lodedb</c>'s standard error as plain lines
/// (<c>lodedb: onnxruntime warning: ...</c>), warnings and worse only. Its default logger writes
/// ANSI-coloured lines with timestamps straight to the process's stderr, pipes included. The
/// environment is process-wide and created once, so this must run before any model loads.
/// </summary>
internal static class OnnxRuntimeLog
{
    // Kept in a static field: native code holds the function pointer for the process's lifetime.
    private static readonly DOrtLoggingFunction Sink = Write;
    private static readonly Lock Gate = new();

    public static void Install()
    {
        lock (Gate)
        {
            if (OrtEnv.IsCreated)
            {
                return;
            }

            var options = new EnvironmentCreationOptions
            {
                logId = "lodedb",
                logLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING,
                loggingFunction = Sink,
            };
            try
            {
                OrtEnv.CreateInstanceWithOptions(ref options);
            }
            catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or OnnxRuntimeException or EntryPointNotFoundException)
            {
                // No usable ONNX Runtime: the command that needs it says so (doctor reports it).
            }
        }
    }

    private static void Write(IntPtr param, OrtLoggingLevel severity, string category, string logId, string codeLocation, string message)
    {
        string level = severity switch
        {
            OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING => "warning",
            OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR => "error",
            OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL => "fatal",
            _ => "info",
        };
        Console.Error.WriteLine($"lodedb: onnxruntime {level}: {message.ReplaceLineEndings(" ")}");
    }
}
