using FluentValidation;
using FluentValidation.Results;

namespace OpenKpi.Domain.Seeding;

/// <summary>Validates a whole seed set and returns every error, each naming file, record and field.</summary>
public static class SeedValidation
{
    public static List<SeedError> Validate(SeedSet seeds, string seedDirectory)
    {
        var refs = new SeedReferences(seeds, seedDirectory);
        var errors = new List<SeedError>();

        Check(seeds.Provinces, new ProvinceSeedValidator(refs), p => p.Id, errors);
        Check(seeds.Documents, new DocumentSeedValidator(refs), d => d.Id, errors);
        Check(seeds.Groups, new GroupSeedValidator(refs), g => g.Id, errors);
        Check(seeds.Units, new UnitSeedValidator(), u => u.Id, errors);
        Check(seeds.Frequencies, new FrequencySeedValidator(), f => f.Id, errors);
        Check(seeds.Agencies, new AgencySeedValidator(refs), a => a.Id, errors);
        Check(seeds.Indicators, new IndicatorSeedValidator(refs), i => i.Id, errors);

        var targetRows = Tables(seeds.TargetTables, t => t.DocumentId, t => t.Rows, "Targets",
            documentId => new TargetRowSeedValidator(refs, documentId), r => r.Id, r => r.Order, r => r.ParentId, refs, errors);
        var catalogueRows = Tables(seeds.CatalogueTables, t => t.DocumentId, t => t.Rows, "Catalogue",
            documentId => new CatalogueRowSeedValidator(refs, documentId), r => r.Id, r => r.Order, r => r.ParentId, refs, errors);

        Unique(seeds.Provinces, p => p.Id, errors);
        Unique(seeds.Documents, d => d.Id, errors);
        Unique(seeds.Groups, g => g.Id, errors);
        Unique(seeds.Units, u => u.Id, errors);
        Unique(seeds.Frequencies, f => f.Id, errors);
        Unique(seeds.Agencies, a => a.Id, errors);
        Unique(seeds.Indicators, i => i.Id, errors);
        Unique(targetRows, r => r.Id, errors);
        Unique(catalogueRows, r => r.Id, errors);
        return errors;
    }

    // Each table: its document must exist and have the table's shape; each row is validated, and the rows
    // must stand in published order with parents above children.
    private static List<Sourced<TRow>> Tables<TTable, TRow>(
        IEnumerable<Sourced<TTable>> tables, Func<TTable, string?> documentIdOf, Func<TTable, TRow[]?> rowsOf, string shape,
        Func<string, IValidator<TRow>> validatorFor, Func<TRow, string?> id, Func<TRow, int?> order, Func<TRow, string?> parent,
        SeedReferences refs, List<SeedError> errors)
    {
        var all = new List<Sourced<TRow>>();
        foreach (var table in tables)
        {
            var documentId = documentIdOf(table.Record);
            if (documentId is null || !refs.Documents.TryGetValue(documentId, out var document))
                errors.Add(new SeedError(table.File, "-", "documentId", $"'{documentId}' is not a document in documents.json"));
            else if (document.Shape != shape)
                errors.Add(new SeedError(table.File, "-", "documentId", $"'{documentId}' is a {document.Shape} document, not {shape}"));
            var rows = (rowsOf(table.Record) ?? []).Select((row, index) => new Sourced<TRow>(table.File, index, row)).ToList();
            if (rows.Count == 0) errors.Add(new SeedError(table.File, "-", "rows", "the table has no rows"));
            Check(rows, validatorFor(documentId ?? ""), id, errors);
            CheckOrder(rows, id, order, parent, errors);
            all.AddRange(rows);
        }
        return all;
    }

    private static void Check<T>(IEnumerable<Sourced<T>> records, IValidator<T> validator, Func<T, string?> id, List<SeedError> errors)
    {
        foreach (var (file, index, record) in records)
        {
            if (record is null)
            {
                errors.Add(new SeedError(file, $"[{index}]", "-", "the record is null"));
                continue;
            }
            foreach (var failure in validator.Validate(record).Errors)
                errors.Add(new SeedError(file, Name(index, id(record)), Field(failure), failure.ErrorMessage));
        }
    }

    // Rows must appear in published order, 1..N, and a sub-row's parent must stand above it.
    private static void CheckOrder<T>(List<Sourced<T>> rows, Func<T, string?> id, Func<T, int?> order, Func<T, string?> parent, List<SeedError> errors)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < rows.Count; i++)
        {
            var (file, index, row) = rows[i];
            if (row is null) continue;
            if (order(row) is { } o && o != i + 1)
                errors.Add(new SeedError(file, Name(index, id(row)), "order", $"is {o}, expected {i + 1}: rows are listed in published order, numbered from 1"));
            if (parent(row) is { } p && !seen.Contains(p))
                errors.Add(new SeedError(file, Name(index, id(row)), "parentId", $"'{p}' is not a row above this one in the same table"));
            if (id(row) is { } rowId) seen.Add(rowId);
        }
    }

    private static void Unique<T>(IEnumerable<Sourced<T>> records, Func<T, string?> id, List<SeedError> errors)
    {
        foreach (var duplicate in records.Where(r => r.Record is not null && id(r.Record) is not null)
                     .GroupBy(r => id(r.Record)!, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            foreach (var (file, index, _) in duplicate.Skip(1))
                errors.Add(new SeedError(file, Name(index, duplicate.Key), "id", $"'{duplicate.Key}' is used by more than one record"));
        }
    }

    private static string Name(int index, string? id) => id is null ? $"[{index}]" : $"{id} ([{index}])";

    // "LeadAgencyIds[0]" → "leadAgencyIds[0]", matching the JSON property names.
    private static string Field(ValidationFailure failure) =>
        string.IsNullOrEmpty(failure.PropertyName) ? "-" : char.ToLowerInvariant(failure.PropertyName[0]) + failure.PropertyName[1..];
}
