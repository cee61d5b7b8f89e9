using Microsoft.Extensions.Options;
using Roster.Accounts;
using Roster.DirectoryServer;

namespace Roster.Tests.Ldap;

/// <summary>What a Linux host reads of a person: the passwd fields must stay parseable whatever the name holds.</summary>
public sealed class PosixAttributesTests
{
    [Theory]
    [InlineData("Zoë Çelik", "ada", "Zoe Celik")]
    [InlineData("O'Brien, Ada: CTO", "ada", "O'Brien Ada CTO")]
    [InlineData("  Ada\tLovelace\n", "ada", "Ada Lovelace")]
    [InlineData("李雷", "lilei", "lilei")]
    [InlineData("Ａｄａ：ＣＴＯ", "ada", "Ada CTO")]
    [InlineData("Œdipe Ærøskøbing-Straße", "ada", "OEdipe AEroskobing-Strasse")]
    [InlineData("Łukasz Żółć", "ada", "Lukasz Zolc")]
    public void GecosIsTheNameInPrintableAsciiWithoutPasswdOrGecosSeparators(string name, string username, string gecos) =>
        Assert.Equal(gecos, PosixAttributes.Gecos(name, username));

    [Theory]
    [InlineData("alice", true)]
    [InlineData("a.b-c", true)]
    [InlineData("1234", false)]
    [InlineData(".", false)]
    [InlineData("..", false)]
    [InlineData("-rf", false)]
    public void NamesAHostWouldMisreadGetNoPosixAttributes(string name, bool posix)
    {
        var attributes = new PosixAttributes(Options.Create(new PosixOptions()));

        Assert.Equal(posix, attributes.Account(name, "Someone", 10001, []) is not null);
        Assert.Equal(posix, attributes.GroupNumber(name, 10002) is not null);
    }

    [Fact]
    public void NobodyWithoutANumberIsPublishedAsUidZero()
    {
        var attributes = new PosixAttributes(Options.Create(new PosixOptions()));

        Assert.Null(attributes.Account("alice", "Alice", 0, []));
        Assert.Null(attributes.GroupNumber("staff", 0));
    }

    [Fact]
    public void HomeAndShellFollowTheConfiguredPatterns()
    {
        var attributes = new PosixAttributes(Options.Create(new PosixOptions { HomeDirectory = "/srv/{username}/home", LoginShell = "/usr/bin/fish" }));

        var account = attributes.Account("alice", "Alice", 10001, ["ssh-ed25519 AAAA"])!;

        Assert.Equal(("/srv/alice/home", "/usr/bin/fish", 10001L, 10001L), (account.HomeDirectory, account.LoginShell, account.UidNumber, account.GidNumber));
    }
}
