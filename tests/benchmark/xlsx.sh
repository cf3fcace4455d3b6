#!/usr/bin/env bash
# The XLSX libraries side by side on the national dataset (~108,000 targets): each writes every target, all structural
# columns, through the CSV's column plan into a file, in a process of its own, after a warm-up run. Prints a markdown
# table: wall time, bytes allocated, the peak resident memory the write adds, the file's size. About a minute.
# Usage: tests/benchmark/xlsx.sh [seeds folder]   (default: the national dataset, generated once into the temp folder)
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet build -c Release tests/OpenKpi.Benchmarks >/dev/null
echo "| library | targets | wall time | allocated | peak memory added | file |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
for library in spreadcheetah openxml; do
  DOTNET_gcServer=0 dotnet run -c Release --no-build --project tests/OpenKpi.Benchmarks -- xlsx "$library" "$@"
done
