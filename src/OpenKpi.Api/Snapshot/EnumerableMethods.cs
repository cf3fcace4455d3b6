using System.Reflection;

namespace OpenKpi.Api.Snapshot;

/// <summary>
/// Enumerable's Select, GroupBy, Skip and Take of two parameters (a function of one argument, or a count), found once, for
/// the rewrites that build calls of their own (<see cref="OrderedWindow"/>, <see cref="FlattenedGroups"/>): each searched
/// Enumerable's methods again for every call it built, on every request it rewrote; and the count the rewrites and the page
/// writer use in place of Enumerable's LongCount.
/// </summary>
internal static class EnumerableMethods
{
    private static readonly Dictionary<string, MethodInfo> Definitions = typeof(Enumerable).GetMethods()
        .Where(m => m.Name is nameof(Enumerable.Select) or nameof(Enumerable.GroupBy) or nameof(Enumerable.Skip) or nameof(Enumerable.Take)
            && m.GetParameters() is [_, { ParameterType: var second }]
            && (second == typeof(int) || second.IsGenericType && second.GetGenericTypeDefinition() == typeof(Func<,>)))
        .ToDictionary(m => m.Name);   // throws at first use if an overload ever makes a name ambiguous

    /// <summary>The method <paramref name="name"/> for these type arguments.</summary>
    public static MethodInfo Of(string name, params Type[] arguments) => Definitions[name].MakeGenericMethod(arguments);

    /// <summary>
    /// Enumerable.LongCount, but a collection's own count where it has one: Enumerable walks even a list (at a million targets,
    /// /odata/Targets/$count walked every row through the query budget's watch). What /$count, $count=true and a nested $count call.
    /// </summary>
    public static long LongCount<T>(IEnumerable<T> source) => source.TryGetNonEnumeratedCount(out var count) ? count : Enumerable.LongCount(source);

    /// <summary><see cref="LongCount{T}"/>, for the rewrites.</summary>
    public static readonly MethodInfo LongCountDefinition = typeof(EnumerableMethods).GetMethod(nameof(LongCount))!;
}
