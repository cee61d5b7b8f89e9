namespace Roster.Bench;

/// <summary>One seeded account, in the shape of the "Users" table.</summary>
public sealed record SeedUser(
    Guid Id,
    string Name,
    string UserName,
    string Email,
    int Role,
    bool Enabled,
    bool EmailVisible,
    bool InvitationPending,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    string? PasswordHash,
    string SecurityStamp,
    string ConcurrencyStamp);

/// <summary>
/// A deterministic directory of people: generated first + last names, usernames like "maria.garcia417",
/// emails on a handful of domains, mostly plain users, update times spread over three years.
/// The same seed gives the same rows, so runs compare.
/// </summary>
public static class Dataset
{
    public static readonly string[] FirstNames =
    [
        "James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "William", "Elizabeth",
        "David", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen",
        "Christopher", "Nancy", "Daniel", "Lisa", "Matthew", "Margaret", "Anthony", "Betty", "Mark", "Sandra",
        "Donald", "Ashley", "Steven", "Dorothy", "Paul", "Kimberly", "Andrew", "Emily", "Joshua", "Donna",
        "Kenneth", "Michelle", "Kevin", "Carol", "Brian", "Amanda", "George", "Melissa", "Edward", "Deborah",
        "Maria", "Jose", "Ana", "Luis", "Carmen", "Juan", "Sofia", "Carlos", "Lucia", "Miguel",
        "Anna", "Lukas", "Lena", "Jonas", "Marie", "Felix", "Hannah", "Leon", "Emma", "Paul",
        "Yuki", "Haruto", "Sakura", "Wei", "Mei", "Li", "Priya", "Arjun", "Aisha", "Omar",
        "Fatima", "Ahmed", "Olga", "Ivan", "Elena", "Dmitri", "Ingrid", "Lars", "Astrid", "Nils",
        "Chloe", "Louis", "Camille", "Hugo", "Giulia", "Marco", "Chiara", "Luca", "Zoe", "Noah",
    ];

    public static readonly string[] LastNames =
    [
        "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
        "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
        "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson",
        "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores",
        "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts",
        "Mueller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
        "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
        "Dubois", "Laurent", "Moreau", "Lefebvre", "Fontaine", "Tanaka", "Suzuki", "Takahashi", "Watanabe", "Ito",
        "Wang", "Zhang", "Chen", "Liu", "Yang", "Patel", "Sharma", "Singh", "Kumar", "Gupta",
        "Ivanov", "Petrov", "Novak", "Kowalski", "Nowak", "Hansen", "Johansson", "Larsen", "Nielsen", "Berg",
    ];

    private static readonly string[] Domains = ["example.org", "example.com", "mail.example.net", "corp.example", "staff.example.org"];

    /// <summary>A password hash nobody signs in with; seeded accounts only need the column filled.</summary>
    private const string UnusablePasswordHash = "AQAAAAIAAYagAAAAEBenchmarkSeededAccountNotForSignInAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==";

    private const string StampAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    public static List<SeedUser> Generate(int count, DateTime now, int seed = 20261122)
    {
        var random = new Random(seed);
        var users = new List<SeedUser>(count);
        var taken = new HashSet<string>(StringComparer.Ordinal);
        var span = TimeSpan.FromDays(3 * 365);
        var guidBytes = new byte[16];
        var stamp = new char[32];

        for (var i = 0; i < count; i++)
        {
            var first = FirstNames[Skewed(random, FirstNames.Length)];
            var last = LastNames[Skewed(random, LastNames.Length)];
            var stem = $"{first}.{last}".ToLowerInvariant();
            var userName = stem + random.Next(1, 1000);
            while (!taken.Add(userName))
                userName = stem + random.Next(1, 100_000);
            var email = $"{userName}@{Domains[random.Next(Domains.Length)]}";

            var roll = random.NextDouble();
            var role = roll < 0.92 ? 0 : roll < 0.96 ? 1 : roll < 0.98 ? 2 : roll < 0.995 ? 3 : 4;
            var invited = random.NextDouble() < 0.03;
            var enabled = invited || random.NextDouble() >= 0.05;
            var emailVisible = random.NextDouble() < 0.8;

            var createdAt = now - span * random.NextDouble();
            var updatedAt = createdAt + (now - createdAt) * random.NextDouble();
            createdAt = Truncate(createdAt);
            updatedAt = Truncate(updatedAt);

            random.NextBytes(guidBytes);
            guidBytes[7] = (byte)((guidBytes[7] & 0x0F) | 0x40); // version 4
            guidBytes[8] = (byte)((guidBytes[8] & 0x3F) | 0x80); // RFC 4122 variant
            for (var c = 0; c < stamp.Length; c++)
                stamp[c] = StampAlphabet[random.Next(StampAlphabet.Length)];

            users.Add(new SeedUser(
                new Guid(guidBytes), $"{first} {last}", userName, email, role, enabled, emailVisible, invited,
                createdAt, updatedAt, invited ? null : UnusablePasswordHash, new string(stamp), Guid.NewGuid().ToString()));
        }
        return users;
    }

    /// <summary>Some names are far more common than others, as in any real directory.</summary>
    private static int Skewed(Random random, int length) =>
        Math.Min(length - 1, (int)(length * Math.Pow(random.NextDouble(), 1.6)));

    /// <summary>Microsecond precision, which both SQLite's text format and PostgreSQL's timestamptz keep exactly.</summary>
    private static DateTime Truncate(DateTime value) =>
        new(value.Ticks - value.Ticks % 10, DateTimeKind.Utc);
}
