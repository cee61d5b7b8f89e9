using System.Reflection;
using System.Reflection.Emit;
using Microsoft.AspNetCore.Razor.Hosting;
using Microsoft.EntityFrameworkCore;

namespace Roster.Tests.Infrastructure;

/// <summary>
/// Which feature folder of the host uses which, read from the compiled assembly: signatures, attributes,
/// locals and every type, method and field an IL instruction names. A type belongs to the folder its
/// namespace names (Roster.Users → Users); a compiled Razor view to the folder of its .cshtml file.
/// </summary>
public sealed class FeatureGraph
{
    /// <summary>For each (from, to) pair, the types of "to" that "from" uses.</summary>
    public IReadOnlyDictionary<(string From, string To), SortedSet<string>> Edges { get; }

    public IReadOnlyCollection<string> Features { get; }

    private FeatureGraph(Dictionary<(string, string), SortedSet<string>> edges, IReadOnlyCollection<string> features)
    {
        Edges = edges;
        Features = features;
    }

    public static FeatureGraph Read(Assembly assembly)
    {
        var edges = new Dictionary<(string, string), SortedSet<string>>();
        var features = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var type in assembly.GetTypes())
        {
            var from = FeatureOf(type);
            if (from is null) continue;
            features.Add(from);
            foreach (var used in UsedTypes(type))
            {
                if (used.Assembly != assembly) continue;
                var to = FeatureOf(used);
                if (to is null || to == from) continue;
                if (!edges.TryGetValue((from, to), out var names)) edges[(from, to)] = names = new(StringComparer.Ordinal);
                names.Add(Outermost(used).Name);
            }
        }
        return new FeatureGraph(edges, features);
    }

    /// <summary>Groups of features that reach each other, each group sorted by name.</summary>
    public List<List<string>> Cycles() => Cycles(Edges.Keys);

    public static List<List<string>> Cycles(IEnumerable<(string From, string To)> edges)
    {
        var next = edges.GroupBy(e => e.From).ToDictionary(g => g.Key, g => g.Select(e => e.To).ToList());
        var nodes = next.Keys.Concat(next.Values.SelectMany(v => v)).Distinct().Order(StringComparer.Ordinal).ToList();
        // Kosaraju: the nodes each node reaches, then those reaching it back.
        var reach = nodes.ToDictionary(n => n, n => Reachable(n, next));
        return nodes
            .Select(n => nodes.Where(m => m == n || reach[n].Contains(m) && reach[m].Contains(n)).ToList())
            .Where(c => c.Count > 1)
            .DistinctBy(c => string.Join(",", c))
            .ToList();
    }

    private static HashSet<string> Reachable(string from, Dictionary<string, List<string>> next)
    {
        var seen = new HashSet<string>();
        var queue = new Queue<string>([from]);
        while (queue.TryDequeue(out var node))
            foreach (var to in next.GetValueOrDefault(node) ?? [])
                if (seen.Add(to)) queue.Enqueue(to);
        return seen;
    }

    /// <summary>One line per edge: "Accounts -> Users (3: Actor, Permissions, UserChanges)".</summary>
    public string Describe() => string.Join("\n", Edges
        .OrderBy(e => e.Key.From, StringComparer.Ordinal).ThenBy(e => e.Key.To, StringComparer.Ordinal)
        .Select(e => $"{e.Key.From} -> {e.Key.To} ({e.Value.Count}: {string.Join(", ", e.Value)})"));

    private static Type Outermost(Type type)
    {
        while (type.DeclaringType is not null) type = type.DeclaringType;
        return type;
    }

    /// <summary>"Users" for Roster.Users.X, "Data.Migrations" for generated or migration code, null for code the compiler or SDK wrote.</summary>
    public static string? FeatureOf(Type type)
    {
        type = Outermost(type);
        var view = type.GetCustomAttributes<RazorCompiledItemMetadataAttribute>().FirstOrDefault(a => a.Key == "Identifier");
        if (view is not null)
        {
            var parts = view.Value.Split('/', StringSplitOptions.RemoveEmptyEntries);
            return parts.Length > 1 ? parts[0] : "(root views)";
        }
        var ns = type.Namespace;
        if (ns is null || !ns.StartsWith("Roster", StringComparison.Ordinal)) return ns is null && type.Name == "Program" ? "Program" : null;
        var segments = ns.Split('.');
        if (segments.Length == 1) return "Roster";
        // The compiled model is generated from every feature's entities by a script; nobody writes or reads it.
        if (segments is [_, "Data", "CompiledModels", ..]) return null;
        return segments[1] == "Data" && segments.Length > 2 ? $"Data.{segments[2]}" : segments[1];
    }

    private static IEnumerable<Type> UsedTypes(Type type)
    {
        var seen = new HashSet<Type>();
        var queue = new Queue<Type>();

        void Add(Type? t)
        {
            if (t is null || t.IsGenericParameter) return;
            if (t.HasElementType) { Add(t.GetElementType()); return; }
            if (t.IsGenericType && !t.IsGenericTypeDefinition)
            {
                foreach (var arg in t.GetGenericArguments()) Add(arg);
                Add(t.GetGenericTypeDefinition());
                return;
            }
            if (seen.Add(t)) queue.Enqueue(t);
        }

        void AddAttributes(IEnumerable<CustomAttributeData> attributes)
        {
            foreach (var a in attributes)
            {
                Add(a.AttributeType);
                foreach (var arg in a.ConstructorArguments.Concat(a.NamedArguments.Select(n => n.TypedValue)))
                    if (arg.Value is Type t) Add(t);
            }
        }

        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var t in Self(type))
        {
            Add(t.BaseType);
            foreach (var i in t.GetInterfaces()) Add(i);
            AddAttributes(t.GetCustomAttributesData());
            foreach (var f in t.GetFields(all)) { Add(f.FieldType); AddAttributes(f.GetCustomAttributesData()); }
            // The context lists each feature's set, as Program lists features: the one place that names them all.
            var sets = typeof(DbContext).IsAssignableFrom(t)
                ? t.GetProperties(all).Where(p => p.PropertyType.IsGenericType && p.PropertyType.GetGenericTypeDefinition() == typeof(DbSet<>)).ToList()
                : [];
            foreach (var p in t.GetProperties(all).Except(sets)) { Add(p.PropertyType); AddAttributes(p.GetCustomAttributesData()); }
            var setGetters = sets.Select(p => p.GetMethod).OfType<MethodBase>().ToHashSet();
            foreach (var m in t.GetMethods(all).Cast<MethodBase>().Concat(t.GetConstructors(all)).Where(m => !setGetters.Contains(m)))
            {
                if (m is MethodInfo mi) Add(mi.ReturnType);
                AddAttributes(m.GetCustomAttributesData());
                foreach (var p in m.GetParameters()) { Add(p.ParameterType); AddAttributes(p.GetCustomAttributesData()); }
                foreach (var used in BodyTypes(m)) Add(used);
            }
        }
        return seen;
    }

    /// <summary>The type and everything nested in it, lambdas' closures and state machines included.</summary>
    private static IEnumerable<Type> Self(Type type) =>
        new[] { type }.Concat(type.GetNestedTypes(BindingFlags.Public | BindingFlags.NonPublic).SelectMany(Self));

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    private static IEnumerable<Type> BodyTypes(MethodBase method)
    {
        MethodBody? body;
        try { body = method.GetMethodBody(); } catch (Exception) { yield break; }
        if (body is null) yield break;
        foreach (var local in body.LocalVariables) yield return local.LocalType;
        var il = body.GetILAsByteArray() ?? [];
        var typeArgs = method.DeclaringType?.IsGenericType == true ? method.DeclaringType.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (var at = 0; at < il.Length;)
        {
            short value = il[at++];
            if (value == 0xFE) value = unchecked((short)(0xFE00 | il[at++]));
            var op = OpCodesByValue[value];
            var size = op.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, at),
                _ => 4,
            };
            if (op.OperandType is OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType)
            {
                var token = BitConverter.ToInt32(il, at);
                MemberInfo? member = null;
                try { member = method.Module.ResolveMember(token, typeArgs, methodArgs); } catch (Exception) { }
                switch (member)
                {
                    case Type t: yield return t; break;
                    case FieldInfo f: yield return f.FieldType; if (f.DeclaringType is not null) yield return f.DeclaringType; break;
                    case MethodBase m:
                        if (m.DeclaringType is not null) yield return m.DeclaringType;
                        if (m is MethodInfo mi) { yield return mi.ReturnType; if (mi.IsGenericMethod) foreach (var a in mi.GetGenericArguments()) yield return a; }
                        break;
                }
            }
            at += size;
        }
    }
}
