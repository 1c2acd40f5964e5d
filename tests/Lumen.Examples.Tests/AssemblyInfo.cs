using Xunit;

// The examples seed the global generator and redirect Console.Out: run them one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
