using System.Reflection;

namespace OpenKpi.Api.Snapshot;

/// <summary>
/// Enumerable's Select, GroupBy, Skip and Take of two parameters (a function of one argument, or a count), found once, for
/// the rewrites that build calls of their own (<see cref="OrderedWindow"/>, <see cref="FlattenedGroups"/>): each searched
/// Enumerable's methods again for every call it built, on every request it rewrote.
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
}
