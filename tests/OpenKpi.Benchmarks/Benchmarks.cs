using BenchmarkDotNet.Running;

namespace OpenKpi.Benchmarks;

/// <summary>
/// dotnet run -c Release --project tests/OpenKpi.Benchmarks [-- --filter *]   (separate from tests/benchmark/run.sh, the HTTP benchmark);
/// -- xlsx LIBRARY [seeds folder]: the XLSX libraries compared (tests/benchmark/xlsx.sh).
/// </summary>
public static class Benchmarks
{
    public static async Task Main(string[] args)
    {
        if (args is ["xlsx", var library, ..]) await XlsxLibraries.Run(library, args.ElementAtOrDefault(2));
        else BenchmarkSwitcher.FromAssembly(typeof(Benchmarks).Assembly).Run(args.Length > 0 ? args : ["--filter", "*"]);
    }
}
