using Roster.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Roster.Tests.Architecture;

/// <summary>
/// Feature folders of the host depend one way: from the edges (CLI, host) through features to a small
/// kernel. A loop between two folders means neither can change, move or be read without the other.
/// </summary>
public sealed class FeatureDependencyTests(ITestOutputHelper output)
{
    [Fact]
    public void NoFeatureFolderReachesBackToOneThatUsesIt()
    {
        var graph = FeatureGraph.Read(typeof(Roster.Hosting.RosterHost).Assembly);
        output.WriteLine(graph.Describe());

        Assert.Contains("Users", graph.Features);
        var cycles = graph.Cycles();
        Assert.True(cycles.Count == 0, "These feature folders depend on each other in a loop:\n" +
            string.Join("\n", cycles.Select(c => string.Join(", ", c))) + "\n\n" + graph.Describe());
    }

    [Fact]
    public void ALoopThroughThreeFoldersIsFoundAndAChainIsNot()
    {
        Assert.Equal([["Apps", "Groups", "Users"]], FeatureGraph.Cycles([("Users", "Groups"), ("Groups", "Apps"), ("Apps", "Users"), ("Users", "Kernel")]));
        Assert.Empty(FeatureGraph.Cycles([("Users", "Groups"), ("Groups", "Apps"), ("Users", "Apps")]));
    }

    [Fact]
    public void TheReaderSeesAUseInsideAMethodBody()
    {
        // Credentials names UserRules only inside its methods and constructor; a signature-only reader would miss
        // the uses that matter most.
        var graph = FeatureGraph.Read(typeof(Roster.Hosting.RosterHost).Assembly);
        Assert.Contains("AuditLog", graph.Edges[("Accounts", "Audit")]);
        Assert.Contains("RosterDb", graph.Edges[("Groups", "Data")]);
    }
}
