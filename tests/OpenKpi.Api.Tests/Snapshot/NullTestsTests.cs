using System.Linq.Expressions;
using Microsoft.Extensions.DependencyInjection;
using OpenKpi.Api.Snapshot;
using OpenKpi.Api.Tests.Infrastructure;
using OpenKpi.Domain.Catalogue;

namespace OpenKpi.Api.Tests.Snapshot;

/// <summary>A string function's result is tested for null without being computed; the answers stay OData's, nulls and all.</summary>
[Collection(KpiCollection.Name)]
public sealed class NullTestsTests(KpiApplication app)
{
    [Fact]
    public void ANullPropagatedConcatIsTestedWithoutBeingMadeAndGivesTheSameValue()
    {
        // IIF(a == null || b == null, null, Concat(a, b)) == null, as the library writes the test before contains(concat(a,b),…).
        var a = Expression.Parameter(typeof(string), "a");
        var b = Expression.Parameter(typeof(string), "b");
        var nullString = Expression.Constant(null, typeof(string));
        var concat = Expression.Condition(Expression.OrElse(Expression.Equal(a, nullString), Expression.Equal(b, nullString)), nullString,
            Expression.Call(typeof(string).GetMethod(nameof(string.Concat), [typeof(string), typeof(string)])!, a, b));
        var isNull = Expression.Lambda<Func<string?, string?, bool>>(Expression.Equal(concat, nullString), a, b);

        var rewritten = (Expression<Func<string?, string?, bool>>)NullTests.Rewrite(isNull);

        Assert.False(new Calls().Any(rewritten.Body), "the test still computes the concat");
        var (before, after) = (isNull.Compile(), rewritten.Compile());
        foreach (var (x, y) in new[] { ((string?)null, (string?)"b"), ("a", null), (null, null), ("a", "b"), ("", "") })
            Assert.Equal(before(x, y), after(x, y));
    }

    [Theory]
    [InlineData("contains(concat(concat(SourceLabel,Id),RawValue),'1')")]
    [InlineData("startswith(concat(RawValue,concat(Id,SourceLabel)),'d')")]
    [InlineData("endswith(tolower(concat(ProvinceId,RawValue)),'%')")]
    public async Task FiltersOverNestedStringFunctionsAnswerAsOData(string filter)
    {
        // concat of a null is null in OData (ProvinceId and RawValue are null for some targets), and so is every function of it.
        var targets = app.Services.GetRequiredService<CatalogueSnapshot>().Targets;
        Func<Domain.Entities.Target, bool> expected = filter[..5] switch
        {
            "conta" => t => t.SourceLabel is not null && t.Id is not null && t.RawValue is not null && (t.SourceLabel + t.Id + t.RawValue).Contains('1'),
            "start" => t => t.RawValue is not null && t.Id is not null && t.SourceLabel is not null && (t.RawValue + t.Id + t.SourceLabel).StartsWith('d'),
            _ => t => t.ProvinceId is not null && t.RawValue is not null && (t.ProvinceId + t.RawValue).ToLowerInvariant().EndsWith('%'),
        };
        var ids = targets.Where(expected).Select(t => t.Id).ToList();
        Assert.NotEmpty(ids);

        var (rows, _) = await app.GetAllPages($"/odata/Targets?$filter={Uri.EscapeDataString(filter)}&$select=Id");

        Assert.Equal(ids, rows.Select(r => (string)r!["Id"]!));
    }

    private sealed class Calls : ExpressionVisitor
    {
        private bool _found;
        public bool Any(Expression e) { Visit(e); return _found; }
        protected override Expression VisitMethodCall(MethodCallExpression node) { _found = true; return node; }
    }
}
