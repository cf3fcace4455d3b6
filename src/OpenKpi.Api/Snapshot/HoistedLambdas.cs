using System.Linq.Expressions;

namespace OpenKpi.Api.Snapshot;

/// <summary>
/// Makes each nested lambda of a compiled query once per run instead of once per row. A compiled expression tree creates a
/// delegate and a closure every time it evaluates a lambda node, so <c>Targets?$filter=LeadAgencies/any(a:contains(a/Name,'x'))</c>
/// made two objects for each of 108,000 targets, besides the budget's watch of each list. A lambda that reads nothing of
/// the lambdas around it (only the query's own parameters, or lambdas already hoisted) is assigned to a variable at the
/// start of the run, and the variable is used in its place. Delegates have no side effects, so the answers are the same.
/// </summary>
internal static class HoistedLambdas
{
    /// <summary>
    /// <paramref name="body"/>, the body of the one lambda compiled over <paramref name="outer"/>, with its nested lambdas
    /// made at the start of a block; <paramref name="body"/> itself when none can be.
    /// </summary>
    public static Expression Rewrite(Expression body, IReadOnlyCollection<ParameterExpression> outer)
    {
        var hoister = new Hoister(outer);
        var rewritten = hoister.Visit(body);
        return hoister.Variables.Count == 0 ? body : Expression.Block(rewritten.Type, hoister.Variables, [.. hoister.Assignments, rewritten]);
    }

    private sealed class Hoister(IReadOnlyCollection<ParameterExpression> outer) : ExpressionVisitor
    {
        public List<ParameterExpression> Variables { get; } = [];
        public List<Expression> Assignments { get; } = [];

        // Innermost first: once its own lambdas are hoisted, a lambda that reads only hoisted ones can be too.
        protected override Expression VisitLambda<T>(Expression<T> node)
        {
            var visited = (LambdaExpression)base.VisitLambda(node);
            if (!FreeVariables.Of(visited).All(p => outer.Contains(p) || Variables.Contains(p))) return visited;
            var variable = Expression.Variable(visited.Type, "lambda" + Variables.Count);
            Variables.Add(variable);
            Assignments.Add(Expression.Assign(variable, visited));
            return variable;
        }

        // A quoted lambda is an expression tree handed to a method, not a delegate: left as it is.
        protected override Expression VisitUnary(UnaryExpression node) => node.NodeType == ExpressionType.Quote ? node : base.VisitUnary(node);
    }

    // The parameters and variables an expression reads that it does not declare itself (in scope: a name declared in one
    // lambda and read outside it is free there).
    private sealed class FreeVariables : ExpressionVisitor
    {
        private readonly HashSet<ParameterExpression> _declared = [];
        private readonly HashSet<ParameterExpression> _free = [];

        public static HashSet<ParameterExpression> Of(LambdaExpression lambda)
        {
            var visitor = new FreeVariables();
            visitor.Visit(lambda);
            return visitor._free;
        }

        protected override Expression VisitLambda<T>(Expression<T> node) => Declaring(node.Parameters, () => base.VisitLambda(node));

        protected override Expression VisitBlock(BlockExpression node) => Declaring(node.Variables, () => base.VisitBlock(node));

        protected override CatchBlock VisitCatchBlock(CatchBlock node)
        {
            CatchBlock visited = node;
            Declaring(node.Variable is { } variable ? [variable] : [], () => { visited = base.VisitCatchBlock(node); return null; });
            return visited;
        }

        protected override Expression VisitParameter(ParameterExpression node)
        {
            if (!_declared.Contains(node)) _free.Add(node);
            return node;
        }

        private Expression Declaring(IEnumerable<ParameterExpression> names, Func<Expression?> visit)
        {
            var added = names.Where(_declared.Add).ToList();
            var visited = visit();
            foreach (var name in added) _declared.Remove(name);
            return visited!;
        }
    }
}
