using Roster.Bench;

// Roster's benchmarks; bench/run builds, pins CPUs, chooses the mode and cleans up. Progress goes to stderr,
// the markdown report to stdout. Modes: `all` (Suite: every measurement, one table and the raw JSON),
// `footprint`, `oidc-grants`, `ldap-search`, `users-list`, `enumeration`, `scim`, and
// `rs256` / `pbkdf2` / `bare-token`, the ceilings the others start in a child process on the server's CPU.
switch (args.FirstOrDefault())
{
    case Suite.Mode:
        return await Suite.RunAsync(args[1..]);
    case FootprintBench.Mode:
        return await FootprintBench.RunAsync(args[1..]);
    case GrantsBench.Mode:
        return await GrantsBench.RunAsync(args[1..]);
    case LdapBench.Mode:
        return await LdapBench.RunAsync(args[1..]);
    case Ceiling.Rs256Mode or Ceiling.Pbkdf2Mode:
        return Ceiling.Run(args[0], args[1..]);
    case BareTokenEndpoint.Mode:
        return await BareTokenEndpoint.RunAsync(args[1..]);
    case UsersListBench.Mode:
        return await UsersListBench.RunAsync(args[1..]);
    case EnumerationBench.Mode:
        return await EnumerationBench.RunAsync(args[1..]);
    case ImportBench.Mode:
        return await ImportBench.RunAsync(args[1..]);
    case ScimBench.Mode:
        return await ScimBench.RunAsync(args[1..]);
    default:
        Console.Error.WriteLine("usage: roster-bench all|footprint|oidc-grants|ldap-search|users-list|enumeration|import|scim|rs256|pbkdf2|bare-token [OPTIONS]");
        return 2;
}
