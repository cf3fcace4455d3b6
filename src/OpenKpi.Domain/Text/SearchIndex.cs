using System.Buffers;
using System.Numerics;

namespace OpenKpi.Domain.Text;

/// <summary>
/// The words of every entity of one collection, folded and as written, each word with the sorted
/// positions of the entities that contain it. A search looks up its terms' words (a term's last word as
/// a prefix: "si" finds "sinh") instead of reading every entity's text; a phrase ("bac si") is checked
/// against the text of the few entities that have all its words.
/// </summary>
public sealed class SearchIndex<T> : ISearchIndex where T : class
{
    private readonly IReadOnlyList<T> _entities;
    private readonly Dictionary<T, int> _positions;
    private readonly Words _folded;
    private readonly Words _exact;

    public SearchIndex(IReadOnlyList<T> entities)
    {
        _entities = entities;
        _blocks = (entities.Count + 63) >> 6;
        _positions = new Dictionary<T, int>(entities.Count, ReferenceEqualityComparer.Instance);
        var folded = new WordsBuilder();
        var exact = new WordsBuilder();
        // A document's words are its fields' words; labels and names repeat across provinces and years, so each
        // distinct field is split, folded and looked up once.
        var fields = new Dictionary<string, (int[] Exact, int[] Folded)>(StringComparer.Ordinal);
        for (var i = 0; i < entities.Count; i++)
        {
            _positions[entities[i]] = i;
            foreach (var field in SearchDocuments.FieldsOf(entities[i]))
            {
                if (!fields.TryGetValue(field, out var words))
                    fields[field] = words = (exact.Ids(SearchDocuments.Normalise(field, fold: false)), folded.Ids(SearchDocuments.Normalise(field, fold: true)));
                folded.Add(words.Folded, i);
                exact.Add(words.Exact, i);
            }
        }
        _folded = folded.Build(_blocks);
        _exact = exact.Build(_blocks);
    }

    public int Count => _entities.Count;

    public bool Covers(object collection) => ReferenceEquals(collection, _entities);

    IFound ISearchIndex.Find(SearchQuery query, bool exactFirst, System.Collections.IEnumerable? within) =>
        Find(query, exactFirst, within?.Cast<T>());

    /// <summary>
    /// The entities that match, in the collection's order, or in <paramref name="within"/>'s when a query
    /// reaches only some of them (a navigation); with <paramref name="exactFirst"/>, those whose words also
    /// agree with the terms' marks as typed come first ("má" before "mà"), the order kept otherwise.
    /// Read from bitsets as the caller pages through them; disposing the result gives the bitsets back to the pool they
    /// came from (a bit per entity: 125 KB each at a million targets, allocated and cleared anew by every search before).
    /// </summary>
    public Found Find(SearchQuery query, bool exactFirst, IEnumerable<T>? within = null)
    {
        var matches = Evaluate(query);
        var exact = exactFirst ? query.PositiveTerms().Select(t => Term(t.Text, _exact, fold: false, within: matches)).ToArray() : [];
        return new Found(this, matches, exact, within);
    }

    /// <summary>What a search found: enumerable as often as needed until it is disposed, after which its bitsets are another search's.</summary>
    public sealed class Found : IEnumerable<T>, IFound
    {
        private readonly SearchIndex<T> _index;
        private readonly ulong[] _matches;
        private readonly ulong[][] _exact;
        private readonly IEnumerable<T>? _within;
        private int _disposed;

        internal Found(SearchIndex<T> index, ulong[] matches, ulong[][] exact, IEnumerable<T>? within)
        {
            (_index, _matches, _exact, _within) = (index, matches, exact, within);
            foreach (var word in matches.AsSpan(0, index._blocks)) Count += BitOperations.PopCount(word);
        }

        /// <summary>How many entities of the set matched (of a navigation's part, at most that many).</summary>
        public int Count { get; }

        public IEnumerator<T> GetEnumerator()
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            return _index.Matches(this, _matches, _exact, _within).GetEnumerator();
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        internal bool IsDisposed => Volatile.Read(ref _disposed) != 0;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            Free(_matches);
            foreach (var bits in _exact) Free(bits);
        }
    }

    // Ranks (terms matched as typed, a small count) from the highest, each in the collection's or within's order.
    private IEnumerable<T> Matches(Found found, ulong[] matches, ulong[][] exact, IEnumerable<T>? within)
    {
        for (var rank = exact.Length; rank >= 0; rank--)
        {
            var positions = within is null
                ? Positions(matches)
                : within.Select(e => _positions.TryGetValue(e, out var p) ? p : -1).Where(p => p >= 0 && Has(matches, p));
            foreach (var position in positions)
            {
                ObjectDisposedException.ThrowIf(found.IsDisposed, found);   // its bitsets may already be another search's
                if (exact.Length == 0 || Rank(exact, position) == rank) yield return _entities[position];
            }
        }
    }

    private static int Rank(ulong[][] exact, int position)
    {
        var rank = 0;
        foreach (var bits in exact) if (Has(bits, position)) rank++;
        return rank;
    }

    private ulong[] Evaluate(SearchQuery query) => query switch
    {
        SearchQuery.Term term => Term(term.Text, _folded, fold: true),
        SearchQuery.And and => And(Evaluate(and.Left), Evaluate(and.Right), free: true),
        SearchQuery.Or or => Or(Evaluate(or.Left), Evaluate(or.Right)),
        SearchQuery.Not not => Complement(Evaluate(not.Operand)),
        _ => Rent(),
    };

    // A term's words: all but the last must be whole words, the last may be the start of one; a phrase
    // of several words is then checked against each candidate's text, for the words' order.
    // Within: only those positions can match (the exact ranks are read only for matches), so only theirs are checked for a phrase.
    private ulong[] Term(string text, Words words, bool fold, ulong[]? within = null)
    {
        var phrase = SearchDocuments.Normalise(text, fold);
        var parts = phrase.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) return Rent();
        var bits = words.Starting(parts[^1], Rent());
        for (var i = 0; i < parts.Length - 1; i++) bits = And(bits, words.Exactly(parts[i], Rent()), free: true);
        if (parts.Length == 1) return bits;
        if (within is not null) bits = And(bits, within, free: false);
        var texts = new SearchDocuments.Texts(fold);
        foreach (var position in Positions(bits).ToList())
        {
            if (!SearchDocuments.StartsWords(texts.Of(_entities[position]), phrase)) bits[position >> 6] &= ~(1UL << position);
        }
        return bits;
    }

    // Words of 64 entities in a bitset.
    private readonly int _blocks;

    // A bitset of _blocks words, all clear, from the shared pool: it may be longer, and only its first _blocks words are read.
    private ulong[] Rent()
    {
        var bits = ArrayPool<ulong>.Shared.Rent(_blocks);
        bits.AsSpan(0, _blocks).Clear();
        return bits;
    }

    private static void Free(ulong[] bits) => ArrayPool<ulong>.Shared.Return(bits);

    private static bool Has(ulong[] bits, int position) => (bits[position >> 6] & (1UL << position)) != 0;

    // Into the left one, a word of 64 entities at a time; the right one back to the pool when it was only this combination's.
    private ulong[] And(ulong[] left, ulong[] right, bool free)
    {
        Span<ulong> into = left.AsSpan(0, _blocks), from = right.AsSpan(0, _blocks);
        for (var i = 0; i < into.Length; i++) into[i] &= from[i];
        if (free) Free(right);
        return left;
    }

    private ulong[] Or(ulong[] left, ulong[] right)
    {
        Span<ulong> into = left.AsSpan(0, _blocks), from = right.AsSpan(0, _blocks);
        for (var i = 0; i < into.Length; i++) into[i] |= from[i];
        Free(right);
        return left;
    }

    private ulong[] Complement(ulong[] bits)
    {
        var words = bits.AsSpan(0, _blocks);
        for (var i = 0; i < words.Length; i++) words[i] = ~words[i];
        if (_entities.Count % 64 is var rest and > 0) words[^1] &= (1UL << rest) - 1;
        return bits;
    }

    private IEnumerable<int> Positions(ulong[] bits)
    {
        for (var block = 0; block < _blocks; block++)
            for (var word = bits[block]; word != 0; word &= word - 1)
                yield return (block << 6) + BitOperations.TrailingZeroCount(word);
    }

    /// <summary>Collects words as ids and, for each id, the positions of the entities that hold it.</summary>
    private sealed class WordsBuilder
    {
        private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
        private readonly List<PositionsBuilder> _positions = [];

        public int[] Ids(string words) => [.. words.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(word =>
        {
            if (!_ids.TryGetValue(word, out var id))
            {
                _ids[word] = id = _positions.Count;
                _positions.Add(new PositionsBuilder());
            }
            return id;
        })];

        public void Add(int[] ids, int position)
        {
            foreach (var id in ids) _positions[id].Add(position);
        }

        public Words Build(int blocks) => new(_ids.ToDictionary(w => w.Key, w => _positions[w.Value].ToArray()), blocks);
    }

    /// <summary>Ascending positions as the gaps between them, seven bits a byte: a word most entities hold takes a byte an entity, not four.</summary>
    private sealed class PositionsBuilder
    {
        private byte[] _bytes = new byte[4];
        private int _length;
        private int _last = -1;

        public void Add(int position)
        {
            if (position == _last) return;
            var gap = (uint)(position - _last);
            _last = position;
            if (_length + 5 > _bytes.Length) Array.Resize(ref _bytes, _bytes.Length * 2);
            for (; gap >= 0x80; gap >>= 7) _bytes[_length++] = (byte)(gap | 0x80);
            _bytes[_length++] = (byte)gap;
        }

        public byte[] ToArray() => _bytes.AsSpan(0, _length).ToArray();
    }

    /// <summary>
    /// Distinct words in ordinal order, each with the ascending positions of the entities that hold it (<see cref="PositionsBuilder"/>),
    /// or, for a word so common that its gaps take as many bytes as a bit per entity, that bitset: setting a search's bits from it is
    /// one pass over words of 64 entities, not a gap decoded per entity (at a million targets "co" is in most of them: 80% of a search's time).
    /// </summary>
    private sealed class Words
    {
        private readonly string[] _words;
        private readonly byte[]?[] _positions;
        private readonly ulong[]?[] _dense;

        public Words(Dictionary<string, byte[]> index, int blocks)
        {
            _words = [.. index.Keys.Order(StringComparer.Ordinal)];
            _positions = new byte[]?[_words.Length];
            _dense = new ulong[]?[_words.Length];
            for (var i = 0; i < _words.Length; i++)
            {
                var gaps = index[_words[i]];
                if (gaps.Length < blocks * sizeof(ulong)) _positions[i] = gaps;
                else Decode(_dense[i] = new ulong[blocks], gaps);
            }
        }

        // Into `bits`, clear.
        public ulong[] Exactly(string word, ulong[] bits)
        {
            var at = Array.BinarySearch(_words, word, StringComparer.Ordinal);
            if (at >= 0) Set(bits, at);
            return bits;
        }

        public ulong[] Starting(string prefix, ulong[] bits)
        {
            var at = Array.BinarySearch(_words, prefix, StringComparer.Ordinal);
            for (var i = at >= 0 ? at : ~at; i < _words.Length && _words[i].StartsWith(prefix, StringComparison.Ordinal); i++) Set(bits, i);
            return bits;
        }

        private void Set(ulong[] bits, int word)
        {
            if (_dense[word] is { } dense)
                for (var i = 0; i < dense.Length; i++) bits[i] |= dense[i];
            else Decode(bits, _positions[word]!);
        }

        private static void Decode(ulong[] bits, byte[] gaps)
        {
            var position = -1;
            for (var i = 0; i < gaps.Length;)
            {
                var gap = 0;
                for (var shift = 0; ; shift += 7)
                {
                    var b = gaps[i++];
                    gap |= (b & 0x7F) << shift;
                    if (b < 0x80) break;
                }
                position += gap;
                bits[position >> 6] |= 1UL << position;
            }
        }
    }
}

/// <summary>A <see cref="SearchIndex{T}"/> whose entity type is known only at run time.</summary>
public interface ISearchIndex
{
    /// <summary>Whether the index holds exactly this collection (the entity set, not a navigation's part of it).</summary>
    bool Covers(object collection);

    /// <summary>The matches (see <see cref="SearchIndex{T}.Find"/>); disposing them gives their bitsets back to the pool.</summary>
    IFound Find(SearchQuery query, bool exactFirst, System.Collections.IEnumerable? within);
}

/// <summary>A search's matches, enumerable until disposed.</summary>
public interface IFound : System.Collections.IEnumerable, IDisposable
{
    /// <summary>How many entities of the set matched (of a navigation's part, at most that many).</summary>
    int Count { get; }
}
