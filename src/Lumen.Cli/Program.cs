namespace Lumen.Cli;

/// <summary>The <c>lumen</c> executable.</summary>
public static class Program
{
    public static int Main(string[] args) => Cli.Run(args, Console.Out, Console.Error);
}
