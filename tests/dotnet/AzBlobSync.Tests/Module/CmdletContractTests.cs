using System.Reflection;
using System.Xml.Linq;
using AzBlobSync.Errors;
using AzBlobSync.Tests.Infrastructure;

namespace AzBlobSync.Tests.Module;

/// <summary>PowerShell conventions checked on the built assembly's metadata, the manifest and the format file.</summary>
public sealed class CmdletContractTests : IClassFixture<ModuleMetadata>
{
    private readonly ModuleMetadata metadata;

    public CmdletContractTests(ModuleMetadata metadata)
    {
        this.metadata = metadata;
    }

    /// <summary>
    /// Cmdlets that change nothing. They must NOT declare SupportsShouldProcess (a -WhatIf that does
    /// nothing would mislead); every other cmdlet writes, and must support -WhatIf/-Confirm.
    /// </summary>
    private static readonly string[] ReadOnlyCmdlets = ["Test-AzBlobSync"];

    /// <summary>Verbs a read-only cmdlet may use; a cmdlet with any other verb is presumed to write.</summary>
    private static readonly string[] ReadOnlyVerbs = ["Get", "Test", "Find", "Search", "Compare", "Measure", "Resolve"];

    /// <summary>The parameters both cmdlets share (declared once, in EndpointCmdletBase).</summary>
    private static readonly string[] SharedParameters =
    [
        "Concurrency", "Destination", "Exclude", "ExcludePath", "ExcludeRegex", "Include", "IncludeAfter", "IncludeBefore",
        "IncludePath", "IncludeRegex", "LiteralPath", "MaxAge", "MinAge", "Path", "SourceUri", "StorageAccountKey",
    ];

    [Fact]
    public void The_assembly_defines_Sync_AzBlob_and_Test_AzBlobSync()
    {
        Assert.Equal(["Sync-AzBlob", "Test-AzBlobSync"], metadata.CmdletTypes().Select(metadata.CmdletName).Order());
    }

    [Fact]
    public void Every_cmdlet_is_sealed_with_an_approved_verb_and_output_types()
    {
        var approved = metadata.ApprovedVerbs();
        Assert.Contains("Sync", approved);
        Assert.Contains("Test", approved);
        Assert.DoesNotContain("Upload", approved); // the list is PowerShell's, not a catch-all

        Assert.NotEmpty(metadata.CmdletTypes());
        foreach (Type cmdlet in metadata.CmdletTypes())
        {
            Assert.True(cmdlet.IsSealed, $"{cmdlet.Name} is not sealed");
            var attribute = metadata.Attribute(cmdlet, "CmdletAttribute")!;
            string verb = (string)attribute.ConstructorArguments[0].Value!;
            Assert.True(approved.Contains(verb), $"{cmdlet.Name} uses the unapproved verb '{verb}'");

            var outputTypes = metadata.Attributes(cmdlet, "OutputTypeAttribute").ToList();
            Assert.True(outputTypes.Count > 0, $"{cmdlet.Name} has no [OutputType]");
        }
    }

    [Fact]
    public void Cmdlets_that_write_support_ShouldProcess_and_read_only_cmdlets_do_not_pretend_to()
    {
        var names = metadata.CmdletTypes().ToDictionary(metadata.CmdletName);
        Assert.All(ReadOnlyCmdlets, name => Assert.True(names.ContainsKey(name), $"the read-only list names '{name}', which the module does not define"));
        foreach (var (name, cmdlet) in names)
        {
            var attribute = metadata.Attribute(cmdlet, "CmdletAttribute")!;
            bool supportsShouldProcess = attribute.NamedArguments.Any(a => a.MemberName == "SupportsShouldProcess" && a.TypedValue.Value is true);
            if (ReadOnlyCmdlets.Contains(name))
            {
                string verb = (string)attribute.ConstructorArguments[0].Value!;
                Assert.True(ReadOnlyVerbs.Contains(verb), $"{name} is listed as read-only but its verb '{verb}' says it changes something");
                Assert.False(supportsShouldProcess, $"{name} is read-only but declares SupportsShouldProcess (a -WhatIf that does nothing)");
            }
            else
            {
                Assert.True(supportsShouldProcess, $"{name} changes something but does not set SupportsShouldProcess = true");
            }
        }
    }

    [Fact]
    public void Sync_AzBlob_declares_its_two_output_types()
    {
        Assert.Equal(["AzBlobSync.JobSummary", "AzBlobSync.TransferResult"], OutputTypes(Cmdlet("Sync-AzBlob")));
    }

    [Fact]
    public void Test_AzBlobSync_declares_differences_and_the_quiet_bool()
    {
        Assert.Equal(["AzBlobSync.SyncDifference", "System.Boolean"], OutputTypes(Cmdlet("Test-AzBlobSync")));
    }

    [Fact]
    public void Both_cmdlets_have_an_upload_pair_of_sets_and_a_download_set()
    {
        foreach (string name in new[] { "Sync-AzBlob", "Test-AzBlobSync" })
        {
            Type cmdlet = Cmdlet(name);
            var parameters = Parameters(cmdlet);
            Assert.Equal("Path", metadata.Attribute(cmdlet, "CmdletAttribute")!.NamedArguments.Single(a => a.MemberName == "DefaultParameterSetName").TypedValue.Value);
            Assert.Equal(["Download", "LiteralPath", "Path"], parameters.Values.SelectMany(ParameterSets).OfType<string>().Distinct().Order());

            Assert.NotNull(metadata.Attribute(parameters["Path"], "SupportsWildcardsAttribute"));
            var alias = metadata.Attribute(parameters["LiteralPath"], "AliasAttribute")!;
            Assert.Contains("PSPath", ((IEnumerable<CustomAttributeTypedArgument>)alias.ConstructorArguments[0].Value!).Select(a => a.Value));
            Assert.Equal(["LiteralPath"], ParameterSets(parameters["LiteralPath"]));
            Assert.Equal(["Path"], ParameterSets(parameters["Path"]));
            Assert.Equal(["Download"], ParameterSets(parameters["SourceUri"]));
            Assert.True(IsMandatory(parameters["SourceUri"]), "-SourceUri must be mandatory in the download set");
            // Named only: a position would make 'Cmdlet <url> <folder>' ambiguous with -Path.
            Assert.Null(Position(parameters["SourceUri"]));
            Assert.Equal(0, Position(parameters["Path"]));
            Assert.True(IsMandatory(parameters["Destination"]), "-Destination must be mandatory in every set");
            Assert.Equal([null], ParameterSets(parameters["Destination"]));
            Assert.Equal(1, Position(parameters["Destination"]));

            Assert.Equal("System.Security.SecureString", parameters["StorageAccountKey"].PropertyType.FullName);
            var range = metadata.Attribute(parameters["Concurrency"], "ValidateRangeAttribute")!;
            Assert.Equal([1, 512], range.ConstructorArguments.Select(a => Convert.ToInt32(a.Value)));
        }
    }

    [Fact]
    public void Both_cmdlets_take_the_same_filters_with_the_same_types()
    {
        foreach (string name in new[] { "Sync-AzBlob", "Test-AzBlobSync" })
        {
            var parameters = Parameters(Cmdlet(name));
            foreach (string list in new[] { "Include", "Exclude", "IncludePath", "ExcludePath", "IncludeRegex", "ExcludeRegex" })
            {
                Assert.Equal("System.String[]", parameters[list].PropertyType.FullName);
                Assert.Equal([null], ParameterSets(parameters[list]));
            }
            Assert.NotNull(metadata.Attribute(parameters["Include"], "SupportsWildcardsAttribute"));
            Assert.NotNull(metadata.Attribute(parameters["Exclude"], "SupportsWildcardsAttribute"));
            Assert.Equal("System.DateTime", parameters["IncludeAfter"].PropertyType.FullName);
            Assert.Equal("System.DateTime", parameters["IncludeBefore"].PropertyType.FullName);
            foreach (string age in new[] { "MinAge", "MaxAge" })
            {
                Assert.Equal("System.TimeSpan", parameters[age].PropertyType.FullName);
                // '7d' accepted, a bare number (ticks to PowerShell) refused.
                Assert.Contains(parameters[age].GetCustomAttributesData(), a =>
                    a.AttributeType.Name == "DurationTransformationAttribute"
                    && a.AttributeType.BaseType?.FullName == $"{ModuleMetadata.SmaAssemblyName}.ArgumentTransformationAttribute");
            }
        }
        var sync = Parameters(Cmdlet("Sync-AzBlob"));
        var test = Parameters(Cmdlet("Test-AzBlobSync"));
        foreach (string shared in SharedParameters)
        {
            Assert.Equal(sync[shared].PropertyType.FullName, test[shared].PropertyType.FullName);
            Assert.Equal(ParameterSets(sync[shared]), ParameterSets(test[shared]));
        }
    }

    [Fact]
    public void Sync_AzBlob_parameters_follow_the_contract()
    {
        var parameters = Parameters(Cmdlet("Sync-AzBlob"));
        Assert.Equal(
            new[] { "CheckMd5", "DeleteDestination", "IncludeSkipped", "MaxDelete", "PutMd5" }.Concat(SharedParameters).Order(StringComparer.Ordinal),
            parameters.Keys.Order(StringComparer.Ordinal));

        Assert.Equal("System.Management.Automation.SwitchParameter", parameters["PutMd5"].PropertyType.FullName);
        Assert.Equal("System.Management.Automation.SwitchParameter", parameters["IncludeSkipped"].PropertyType.FullName);
        Assert.Equal("System.Management.Automation.SwitchParameter", parameters["DeleteDestination"].PropertyType.FullName);
        // An MD5 is put on upload and checked on download: each only where it means something.
        Assert.Equal(["LiteralPath", "Path"], ParameterSets(parameters["PutMd5"]).Order());
        Assert.Equal(["Download"], ParameterSets(parameters["CheckMd5"]));
        Type checkMd5 = parameters["CheckMd5"].PropertyType;
        Assert.True(checkMd5.IsEnum);
        Assert.Equal(["FailIfDifferent", "FailIfDifferentOrMissing", "LogOnly", "NoCheck"], checkMd5.GetEnumNames().Order());

        Assert.Equal("System.Int64", parameters["MaxDelete"].PropertyType.FullName);
        var range = metadata.Attribute(parameters["MaxDelete"], "ValidateRangeAttribute")!;
        Assert.Equal([0L, long.MaxValue], range.ConstructorArguments.Select(a => Convert.ToInt64(a.Value)));
    }

    [Fact]
    public void Test_AzBlobSync_parameters_follow_the_contract()
    {
        var parameters = Parameters(Cmdlet("Test-AzBlobSync"));
        // Read-only: nothing about writing, deleting or MD5s (a check compares sizes and times).
        Assert.Equal(SharedParameters.Append("Quiet").Order(StringComparer.Ordinal), parameters.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("System.Management.Automation.SwitchParameter", parameters["Quiet"].PropertyType.FullName);
    }

    [Fact]
    public void Every_cmdlet_parameter_is_documented_for_help()
    {
        var docs = XDocument.Load(Path.ChangeExtension(metadata.CmdletAssemblyPath, ".xml"));
        var documented = docs.Descendants("member")
            .Where(m => m.Element("summary") is { } summary && summary.Value.Trim().Length > 0)
            .Select(m => (string)m.Attribute("name")!)
            .ToHashSet();
        foreach (Type cmdlet in metadata.CmdletTypes())
        {
            Assert.True(documented.Contains($"T:{cmdlet.FullName}"), $"{cmdlet.Name} has no help summary");
            foreach (PropertyInfo parameter in Parameters(cmdlet).Values)
            {
                Assert.True(
                    documented.Contains($"P:{parameter.DeclaringType!.FullName}.{parameter.Name}"),
                    $"-{parameter.Name} of {metadata.CmdletName(cmdlet)} has no help summary");
            }
        }
    }

    [Fact]
    public void Every_error_category_the_engine_layer_uses_exists_in_PowerShell()
    {
        var powerShellCategories = metadata.SmaType("ErrorCategory").GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => f.Name).ToHashSet();
        foreach (string category in Enum.GetNames<CommandErrorCategory>())
        {
            Assert.True(powerShellCategories.Contains(category), $"ErrorCategory has no '{category}'");
        }
    }

    [Fact]
    public void The_manifest_exports_exactly_the_cmdlets_the_assembly_defines_and_nothing_else()
    {
        var manifest = ModuleManifest.Load();
        Assert.Equal(metadata.CmdletTypes().Select(metadata.CmdletName).Order(), manifest.Array("CmdletsToExport").Order());
        Assert.Empty(manifest.Array("FunctionsToExport"));
        Assert.Empty(manifest.Array("AliasesToExport"));
        Assert.Empty(manifest.Array("VariablesToExport"));
        Assert.Equal(["Core"], manifest.Array("CompatiblePSEditions"));
        Assert.Equal("7.4", manifest.Scalar("PowerShellVersion"));
        Assert.Equal(Path.GetFileName(metadata.CmdletAssemblyPath), manifest.Scalar("RootModule"));
        Assert.Equal(["AzBlobSync.format.ps1xml"], manifest.Array("FormatsToProcess"));
    }

    [Fact]
    public void The_assemblies_carry_the_manifest_version()
    {
        var version = Version.Parse(ModuleManifest.Load().Scalar("ModuleVersion"));
        Assert.Equal(Normalize(version), metadata.CmdletAssembly.GetName().Version);
        Assert.Equal(Normalize(version), metadata.EngineAssembly.GetName().Version);
    }

    [Fact]
    public void The_format_file_is_valid_xml_with_a_table_view_for_each_output_type()
    {
        var document = XDocument.Load(RepoRoot.Combine("PSModule", "AzBlobSync.format.ps1xml"));
        var views = document.Descendants("View").ToList();
        var viewedTypes = views.SelectMany(v => v.Descendants("TypeName")).Select(t => t.Value.Trim()).ToList();
        Assert.Equal(["AzBlobSync.JobSummary", "AzBlobSync.SyncDifference", "AzBlobSync.TransferResult"], viewedTypes.Order());
        Assert.All(views, v => Assert.NotNull(v.Element("TableControl")));

        foreach (XElement view in views)
        {
            string typeName = view.Descendants("TypeName").Single().Value.Trim();
            Type type = metadata.EngineAssembly.GetType(typeName, throwOnError: true)!;
            var properties = type.GetProperties().Select(p => p.Name).ToHashSet();
            var shown = view.Descendants("PropertyName").Select(p => p.Value.Trim()).ToList();
            Assert.NotEmpty(shown);
            Assert.All(shown, p => Assert.True(properties.Contains(p), $"{typeName} has no property '{p}' shown by the format file"));
            int headers = view.Descendants("TableColumnHeader").Count();
            int items = view.Descendants("TableColumnItem").Count();
            Assert.Equal(headers, items);
        }

        var transferColumns = views.Single(v => v.Descendants("TypeName").Single().Value == "AzBlobSync.TransferResult")
            .Descendants("PropertyName").Select(p => p.Value).ToList();
        Assert.Equal(["Status", "Action", "Bytes", "Path", "Blob", "Error"], transferColumns);
        var differenceColumns = views.Single(v => v.Descendants("TypeName").Single().Value == "AzBlobSync.SyncDifference")
            .Descendants("PropertyName").Select(p => p.Value).ToList();
        Assert.Equal(["Kind", "Reason", "Action", "Bytes", "Path", "Blob"], differenceColumns);
        var summaryColumns = views.Single(v => v.Descendants("TypeName").Single().Value == "AzBlobSync.JobSummary")
            .Descendants("PropertyName").Select(p => p.Value).ToList();
        Assert.Contains("FilesDeleted", summaryColumns);
    }

    private Type Cmdlet(string name) => metadata.CmdletTypes().Single(t => metadata.CmdletName(t) == name);

    private Dictionary<string, PropertyInfo> Parameters(Type cmdlet) =>
        cmdlet.GetProperties().Where(p => metadata.Attributes(p, "ParameterAttribute").Any()).ToDictionary(p => p.Name);

    private List<string?> OutputTypes(Type cmdlet) =>
        metadata.Attributes(cmdlet, "OutputTypeAttribute")
            .SelectMany(a => a.ConstructorArguments)
            .SelectMany(arg => arg.Value is IEnumerable<CustomAttributeTypedArgument> many ? many.Select(m => m.Value) : [arg.Value])
            .OfType<Type>()
            .Select(t => t.FullName)
            .Order()
            .ToList();

    /// <summary>Mandatory in every [Parameter] it has (so in every set it belongs to).</summary>
    private bool IsMandatory(PropertyInfo parameter) =>
        metadata.Attributes(parameter, "ParameterAttribute")
            .All(a => a.NamedArguments.Any(n => n.MemberName == "Mandatory" && n.TypedValue.Value is true));

    /// <summary>The position, when the parameter has one (PowerShell's default is int.MinValue: named only).</summary>
    private int? Position(PropertyInfo parameter) =>
        metadata.Attributes(parameter, "ParameterAttribute")
            .Select(a => a.NamedArguments.SingleOrDefault(n => n.MemberName == "Position").TypedValue.Value as int?)
            .Distinct()
            .Single();

    private List<string?> ParameterSets(PropertyInfo parameter) =>
        metadata.Attributes(parameter, "ParameterAttribute")
            .Select(a => a.NamedArguments.SingleOrDefault(n => n.MemberName == "ParameterSetName").TypedValue.Value as string)
            .ToList();

    private static Version Normalize(Version v) => new(v.Major, v.Minor, Math.Max(v.Build, 0), Math.Max(v.Revision, 0));
}
