namespace OpenKpi.Domain.Seeding;

/// <summary>One thing wrong in the seeds, named precisely enough to fix: file, record, field and what is wrong.</summary>
public sealed record SeedError(string File, string Record, string Field, string Message)
{
    public override string ToString() => $"{File}: record {Record}, field '{Field}': {Message}";
}

/// <summary>Thrown when the seeds are invalid; carries every error found, not only the first.</summary>
public sealed class SeedValidationException(IReadOnlyList<SeedError> errors)
    : Exception($"The seeds are invalid ({errors.Count} error{(errors.Count == 1 ? "" : "s")}):"
        + Environment.NewLine + string.Join(Environment.NewLine, errors))
{
    public IReadOnlyList<SeedError> Errors { get; } = errors;
}
