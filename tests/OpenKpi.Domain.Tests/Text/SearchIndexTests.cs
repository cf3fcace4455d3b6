using OpenKpi.Domain.Catalogue;
using OpenKpi.Domain.Entities;
using OpenKpi.Domain.Seeding;
using OpenKpi.Domain.Text;

namespace OpenKpi.Domain.Tests.Text;

/// <summary>The index finds exactly what reading every entity's text finds, in the same order.</summary>
public sealed class SearchIndexTests
{
    private static readonly CatalogueSnapshot Snapshot = new(SeedImporter.Load(RepositoryPaths.Seeds));

    [Fact]
    public void GeneratedSearchesFindWhatReadingEveryTargetFinds()
    {
        var index = new SearchIndex<Target>(Snapshot.Targets);
        var random = new Random(20261123);
        var words = Snapshot.Targets.SelectMany(t => SearchDocuments.Of(t).Exact.Split(' ')).Distinct().Order(StringComparer.Ordinal).ToArray();

        for (var i = 0; i < 400; i++)
        {
            var query = Generate(random, words, depth: 0);
            var expected = Snapshot.Targets.Where(t => query.Matches(SearchDocuments.Of(t))).ToList();
            var ranked = expected
                .Select((t, at) => (Target: t, Rank: query.PositiveTerms().Count(term => SearchDocuments.StartsWords(SearchDocuments.Of(t).Exact, SearchDocuments.Normalise(term.Text, fold: false)))))
                .OrderByDescending(m => m.Rank).Select(m => m.Target).ToList();

            Assert.Equal(expected, index.Find(query, exactFirst: false));
            Assert.Equal(ranked, index.Find(query, exactFirst: true));
        }
    }

    [Fact]
    public void ASearchWithinANavigationKeepsItsOrderAndOnlyItsEntities()
    {
        var index = new SearchIndex<Target>(Snapshot.Targets);
        var langSon = Snapshot.ProvincesById["VN-09"].Targets.Reverse().ToList();
        var query = new SearchQuery.Term("ty le");

        var found = index.Find(query, exactFirst: false, within: langSon);

        Assert.Equal(langSon.Where(t => query.Matches(SearchDocuments.Of(t))), found);
        Assert.NotEmpty(found);
    }

    [Theory]
    [InlineData("bac si", "Số bác sỹ/10.000 dân")]
    [InlineData("duong", "Tỷ lệ xã có đường ô tô đến trung tâm xã được rải nhựa hoặc bê tông")]
    [InlineData("BÁC SĨ", "Số bác sĩ/vạn dân")]
    public void FoldingFindsEverySpelling(string term, string label)
    {
        var index = new SearchIndex<Target>(Snapshot.Targets);

        Assert.Contains(index.Find(new SearchQuery.Term(term), exactFirst: false), t => t.SourceLabel == label);
    }

    [Fact]
    public void APhraseNeedsItsWordsInOrderAndAWordStart()
    {
        var index = new SearchIndex<Target>(Snapshot.Targets);

        Assert.NotEmpty(index.Find(new SearchQuery.Term("bac si"), exactFirst: false));
        Assert.Empty(index.Find(new SearchQuery.Term("si bac"), exactFirst: false));
        Assert.Empty(index.Find(new SearchQuery.Term("ac si"), exactFirst: false));
    }

    // Terms are words of the data (or their starts, or pairs of them as a phrase), or words that are not in it.
    private static SearchQuery Generate(Random random, string[] words, int depth)
    {
        if (depth < 3 && random.Next(3) == 0)
        {
            var left = Generate(random, words, depth + 1);
            return random.Next(3) switch
            {
                0 => new SearchQuery.And(left, Generate(random, words, depth + 1)),
                1 => new SearchQuery.Or(left, Generate(random, words, depth + 1)),
                _ => new SearchQuery.Not(left),
            };
        }
        var word = words[random.Next(words.Length)];
        return random.Next(5) switch
        {
            0 => new SearchQuery.Term(word[..Math.Max(1, word.Length / 2)]),
            1 => new SearchQuery.Term(word + " " + words[random.Next(words.Length)]),
            2 => new SearchQuery.Term(VietnameseText.Fold(word).ToUpperInvariant()),
            3 => new SearchQuery.Term("zzq" + word),
            _ => new SearchQuery.Term(word),
        };
    }
}
