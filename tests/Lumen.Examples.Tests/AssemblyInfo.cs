using Xunit;

// Examples write to Console.Out, which ExampleRunner redirects process-wide: run one test at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
