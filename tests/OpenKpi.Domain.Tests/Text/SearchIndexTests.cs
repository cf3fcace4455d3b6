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
    public void SearchesWhoseBitsetsAreReusedFindWhatReadingEveryTargetFinds()
    {
        // Each search's bitsets go back to the pool when it is disposed and are the next searches': results still open
        // keep theirs, a disposed one refuses to be read, and a reused bitset starts clear.
        var index = new SearchIndex<Target>(Snapshot.Targets);
        var random = new Random(20261205);
        var words = Snapshot.Targets.SelectMany(t => SearchDocuments.Of(t).Exact.Split(' ')).Distinct().Order(StringComparer.Ordinal).ToArray();
        var open = new List<(SearchQuery Query, SearchIndex<Target>.Found Found)>();

        for (var i = 0; i < 300; i++)
        {
            var query = Generate(random, words, depth: 0);
            open.Add((query, index.Find(query, exactFirst: random.Next(2) == 0)));
            if (open.Count > 3 || random.Next(3) == 0)
            {
                var (done, found) = open[random.Next(open.Count)];
                var expected = Snapshot.Targets.Where(t => done.Matches(SearchDocuments.Of(t))).ToHashSet();
                Assert.Equal(expected, found.ToHashSet());
                Assert.Equal(expected.Count, found.Count);
                found.Dispose();
                found.Dispose();
                Assert.Throws<ObjectDisposedException>(() => found.First());
                open.RemoveAll(o => ReferenceEquals(o.Found, found));
            }
        }
        foreach (var (query, found) in open)
            Assert.Equal(Snapshot.Targets.Where(t => query.Matches(SearchDocuments.Of(t))).ToHashSet(), found.ToHashSet());
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

    // Two to four words in a row of one target's text, the last cut short at times: phrases that match, some across two fields.
    private static string Run(Random random)
    {
        var text = SearchDocuments.Of(Snapshot.Targets[random.Next(Snapshot.Targets.Count)]).Exact.Split(' ');
        var length = Math.Min(text.Length, random.Next(2, 5));
        var start = random.Next(text.Length - length + 1);
        var run = text[start..(start + length)];
        if (random.Next(2) == 0) run[^1] = run[^1][..Math.Max(1, run[^1].Length / 2)];
        return string.Join(' ', run);
    }

    [Fact]
    public void APhraseChecksTextIsTheEntitysTextWhateverItsFieldsHold()
    {
        // Every entity of the seeds, then units of generated fields: marks and punctuation at either end of a field,
        // surrogates, white space, the same field text again and again (the table's slots taken and taken over).
        string[] pieces = ["a", "ệ", "\u0301", "e\u0302\u0301", "Đ", " ", "\t", ",", "/", "😀", "\ud800", "Y", "10.000", "bác sỹ", "-"];
        var random = new Random(20261204);
        string Field() => random.Next(4) == 0 ? pieces[random.Next(3)] : string.Concat(Enumerable.Range(0, random.Next(0, 8)).Select(_ => pieces[random.Next(pieces.Length)]));
        var generated = Enumerable.Range(0, 20000).Select(i => new Unit
        {
            Id = $"u{i % 50}", Name = Field(), NameEn = Field(), BaseUnit = "u", Spellings = [.. Enumerable.Range(0, random.Next(3)).Select(_ => Field())],
        });
        IEnumerable<object> entities = [.. Snapshot.Targets, .. Snapshot.CatalogueEntries, .. Snapshot.Documents, .. Snapshot.Indicators,
            .. Snapshot.Provinces, .. Snapshot.Agencies, .. Snapshot.Groups, .. Snapshot.Units, .. Snapshot.Frequencies, .. generated];

        foreach (var fold in new[] { false, true })
        {
            var texts = new SearchDocuments.Texts(fold);
            foreach (var entity in entities) Assert.Equal(SearchDocuments.Text(entity, fold), texts.Of(entity).ToString());
        }
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
        return random.Next(6) switch
        {
            5 => new SearchQuery.Term(Run(random)),
            0 => new SearchQuery.Term(word[..Math.Max(1, word.Length / 2)]),
            1 => new SearchQuery.Term(word + " " + words[random.Next(words.Length)]),
            2 => new SearchQuery.Term(VietnameseText.Fold(word).ToUpperInvariant()),
            3 => new SearchQuery.Term("zzq" + word),
            _ => new SearchQuery.Term(word),
        };
    }
}
