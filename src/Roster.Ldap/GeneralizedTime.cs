using System.Globalization;

namespace Roster.Ldap;

// GeneralizedTime (RFC 4517 3.3.13): createTimestamp and modifyTimestamp values and the assertions compared to them.
public static class GeneralizedTime
{
    // The form OpenLDAP writes: UTC to the second, "20240131235959Z".
    public static string Format(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyyMMddHHmmss'Z'", CultureInfo.InvariantCulture);

    // century year month day hour [minute [second]] [fraction] (Z / differential); a fraction extends the
    // last unit given.
    public static bool TryParse(ReadOnlySpan<char> text, out DateTimeOffset time)
    {
        time = default;
        if (text.Length < 11 || !Digits(text, 0, 4, out var year) || !Digits(text, 4, 2, out var month)
            || !Digits(text, 6, 2, out var day) || !Digits(text, 8, 2, out var hour))
        {
            return false;
        }
        var i = 10;
        int minute = 0, second = 0;
        var unit = TimeSpan.FromHours(1);
        if (Digits(text, i, 2, out var m))
        {
            minute = m;
            i += 2;
            unit = TimeSpan.FromMinutes(1);
            if (Digits(text, i, 2, out var s))
            {
                second = s;
                i += 2;
                unit = TimeSpan.FromSeconds(1);
            }
        }
        var fraction = 0.0;
        if (i < text.Length && text[i] is '.' or ',')
        {
            var start = ++i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
            if (i == start)
            {
                return false;
            }
            fraction = double.Parse("0." + text[start..i].ToString(), CultureInfo.InvariantCulture);
        }
        TimeSpan offset;
        if (i < text.Length && text[i] == 'Z')
        {
            offset = TimeSpan.Zero;
            i++;
        }
        else if (i < text.Length && text[i] is '+' or '-')
        {
            var sign = text[i] == '-' ? -1 : 1;
            if (!Digits(text, i + 1, 2, out var offsetHours) || offsetHours > 23)
            {
                return false;
            }
            i += 3;
            var offsetMinutes = 0;
            if (Digits(text, i, 2, out var om))
            {
                offsetMinutes = om;
                i += 2;
            }
            if (offsetMinutes > 59)
            {
                return false;
            }
            offset = sign * new TimeSpan(offsetHours, offsetMinutes, 0);
        }
        else
        {
            return false;
        }
        if (i != text.Length || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(Math.Max(year, 1), month)
            || hour > 23 || minute > 59 || second > 60)
        {
            return false;
        }
        try
        {
            // A leap second (60) is accepted and counted as the next second.
            time = new DateTimeOffset(Math.Max(year, 1), month, day, hour, minute, 0, offset)
                .AddSeconds(second)
                .Add(unit * fraction);
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    private static bool Digits(ReadOnlySpan<char> text, int at, int count, out int value)
    {
        value = 0;
        if (at + count > text.Length)
        {
            return false;
        }
        for (var k = at; k < at + count; k++)
        {
            if (!char.IsAsciiDigit(text[k]))
            {
                return false;
            }
            value = value * 10 + (text[k] - '0');
        }
        return true;
    }
}
