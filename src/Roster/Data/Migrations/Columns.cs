using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Microsoft.EntityFrameworkCore.Migrations.Operations.Builders;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

namespace Roster.Data.Migrations;

/// <summary>
/// Migrations are written by hand and shared by SQLite and PostgreSQL: columns name no store type, so each
/// provider maps the CLR type itself. The few provider-specific facts live here. Migration ids follow EF's
/// "yyyyMMddHHmmss_Name" form, which is also the order they apply in.
/// </summary>
internal static class Columns
{
    /// <summary>An integer key the database numbers itself, in the dialect of both providers.</summary>
    public static OperationBuilder<AddColumnOperation> AutoIncrement(this OperationBuilder<AddColumnOperation> column) =>
        column
            .Annotation("Sqlite:Autoincrement", true)
            .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn);
}
