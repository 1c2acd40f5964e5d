namespace Lumen.Examples.Tests;
/// <summary>Runs an example's Main in-process with its console output captured.</summary>
public static class ExampleRunner
{
    public static (int ExitCode, string Output) Run(Func<string[], int> main, params string[] args)
    {
        var previous = Console.Out;
        var writer = new StringWriter();
        Console.SetOut(writer);
        try { int code = main(args); return (code, writer.ToString()); }
        finally { Console.SetOut(previous); }
    }
}
