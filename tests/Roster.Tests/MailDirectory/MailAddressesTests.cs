using Roster.DirectoryServer;
using Roster.MailDirectory;

namespace Roster.Tests.MailDirectory;

public sealed class MailAddressesTests
{
    [Theory]
    [InlineData("Example.ORG.", "example.org")]
    [InlineData("mail.example.org", "mail.example.org")]
    [InlineData("bücher.example", "xn--bcher-kva.example")]
    public void DomainsComeBackInLowerCaseAscii(string typed, string stored) => Assert.Equal(stored, MailAddresses.ParseDomain(typed).Domain);

    [Theory]
    [InlineData("")]
    [InlineData("localhost")]
    [InlineData("-bad.example")]
    [InlineData("bad-.example")]
    [InlineData("under_score.example")]
    [InlineData("two..dots.example")]
    [InlineData("10.0.0.1")]
    public void NotADomainIsRefused(string typed) => Assert.NotNull(MailAddresses.ParseDomain(typed).Error);

    [Fact]
    public void ALabelPast63AndANamePast253AreRefused()
    {
        Assert.NotNull(MailAddresses.ParseDomain(new string('a', 64) + ".example").Error);
        Assert.Null(MailAddresses.ParseDomain(new string('a', 63) + ".example").Error);
        Assert.NotNull(MailAddresses.ParseDomain(string.Join('.', Enumerable.Repeat(new string('a', 60), 5)) + ".example").Error);
    }

    [Theory]
    [InlineData("alice")]
    [InlineData("Alice.Smith")]
    [InlineData("a+tag")]
    [InlineData("o'brien")]
    [InlineData("x!#$%&'*+/=?^_`{|}~-y")]
    public void DotAtomLocalPartsAreAccepted(string localPart) => Assert.Null(MailAddresses.CheckLocalPart(localPart, "Address"));

    [Theory]
    [InlineData(".alice")]
    [InlineData("alice.")]
    [InlineData("al..ice")]
    [InlineData("al ice")]
    [InlineData("\"alice\"")]
    [InlineData("al(ice)")]
    [InlineData("alïce")]
    [InlineData("a@b")]
    public void AnythingElseBeforeTheAtIsRefused(string localPart) => Assert.Equal("mail.local_part_invalid", MailAddresses.CheckLocalPart(localPart, "Address")?.Code);

    [Fact]
    public void ALocalPartPast64OctetsIsRefused()
    {
        Assert.Null(MailAddresses.CheckLocalPart(new string('a', 64), "Address"));
        Assert.Equal("mail.local_part_too_long", MailAddresses.CheckLocalPart(new string('a', 65), "Address")?.Code);
    }

    [Fact]
    public void AnAddressPast254CharactersIsRefusedThoughEachPartFits()
    {
        var domain = string.Join('.', Enumerable.Repeat(new string('d', 60), 4)) + ".example";
        Assert.Null(MailAddresses.ParseDomain(domain).Error);
        Assert.Equal("mail.address_too_long", MailAddresses.Parse(new string('a', 64) + "@" + domain, "Address").Error?.Code);
    }

    [Fact]
    public void AnAddressSplitsAtItsLastAt()
    {
        var (localPart, domain, error) = MailAddresses.Parse(" Alice@Example.org ", "Address");
        Assert.Null(error);
        Assert.Equal(("Alice", "example.org"), (localPart, domain));
        Assert.Equal("mail.address_invalid", MailAddresses.Parse("alice", "Address").Error?.Code);
        Assert.Equal("mail.address_invalid", MailAddresses.Parse("alice@", "Address").Error?.Code);
        Assert.Equal("mail.address_invalid", MailAddresses.Parse("@example.org", "Address").Error?.Code);
    }

    [Fact]
    public void AMailChangeTravelsAsTextBetweenProcesses()
    {
        var id = Guid.NewGuid();
        var change = new DirectoryChange(new HashSet<Guid> { id }, new HashSet<Guid>(), new HashSet<Guid>(), Mail: true);

        var read = DirectoryChange.Parse(change.ToText());

        Assert.True(read.Mail);
        Assert.Equal([id], read.Users);
        Assert.False(DirectoryChange.Parse(new DirectoryChange(new HashSet<Guid> { id }, new HashSet<Guid>(), new HashSet<Guid>()).ToText()).Mail);
        Assert.True(DirectoryChange.Merge([change with { Users = new HashSet<Guid>() }, DirectoryChange.Parse("u:" + id.ToString("N"))]).Mail);
        Assert.False(new DirectoryChange(new HashSet<Guid>(), new HashSet<Guid>(), new HashSet<Guid>(), Mail: true).IsEmpty);
    }
}
