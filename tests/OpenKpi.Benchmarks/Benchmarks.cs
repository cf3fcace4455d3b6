using BenchmarkDotNet.Running;

namespace OpenKpi.Benchmarks;

/// <summary>dotnet run -c Release --project tests/OpenKpi.Benchmarks [-- --filter *]   (separate from tests/benchmark/run.sh, the HTTP benchmark)</summary>
public static class Benchmarks
{
    public static void Main(string[] args) =>
        BenchmarkSwitcher.FromAssembly(typeof(Benchmarks).Assembly).Run(args.Length > 0 ? args : ["--filter", "*"]);
}
