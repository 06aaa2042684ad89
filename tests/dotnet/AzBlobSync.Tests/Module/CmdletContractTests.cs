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

    [Fact]
    public void The_assembly_defines_Sync_AzBlob()
    {
        Assert.Equal(["Sync-AzBlob"], metadata.CmdletTypes().Select(metadata.CmdletName));
    }

    [Fact]
    public void Every_cmdlet_is_sealed_with_an_approved_verb_output_types_and_ShouldProcess()
    {
        var approved = metadata.ApprovedVerbs();
        Assert.Contains("Sync", approved);
        Assert.Contains("Get", approved);
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

            // All of this module's cmdlets change something, so all must support -WhatIf/-Confirm.
            var shouldProcess = attribute.NamedArguments.SingleOrDefault(a => a.MemberName == "SupportsShouldProcess");
            Assert.True(shouldProcess.TypedValue.Value is true, $"{cmdlet.Name} does not set SupportsShouldProcess = true");
        }
    }

    [Fact]
    public void Sync_AzBlob_declares_its_two_output_types()
    {
        Type cmdlet = metadata.CmdletTypes().Single();
        var declared = metadata.Attributes(cmdlet, "OutputTypeAttribute")
            .SelectMany(a => a.ConstructorArguments)
            .SelectMany(arg => arg.Value is IEnumerable<CustomAttributeTypedArgument> many ? many.Select(m => m.Value) : [arg.Value])
            .OfType<Type>()
            .Select(t => t.FullName)
            .Order()
            .ToList();
        Assert.Equal(["AzBlobSync.JobSummary", "AzBlobSync.TransferResult"], declared);
    }

    [Fact]
    public void Sync_AzBlob_parameters_follow_the_contract()
    {
        Type cmdlet = metadata.CmdletTypes().Single();
        var parameters = cmdlet.GetProperties().Where(p => metadata.Attributes(p, "ParameterAttribute").Any()).ToDictionary(p => p.Name);
        Assert.Equal(
            ["Concurrency", "Destination", "IncludeSkipped", "LiteralPath", "Path", "PutMd5", "StorageAccountKey"],
            parameters.Keys.Order());

        Assert.NotNull(metadata.Attribute(parameters["Path"], "SupportsWildcardsAttribute"));
        var alias = metadata.Attribute(parameters["LiteralPath"], "AliasAttribute")!;
        Assert.Contains("PSPath", ((IEnumerable<CustomAttributeTypedArgument>)alias.ConstructorArguments[0].Value!).Select(a => a.Value));
        Assert.Equal("System.Security.SecureString", parameters["StorageAccountKey"].PropertyType.FullName);
        Assert.Equal("System.Management.Automation.SwitchParameter", parameters["PutMd5"].PropertyType.FullName);
        Assert.Equal("System.Management.Automation.SwitchParameter", parameters["IncludeSkipped"].PropertyType.FullName);

        var range = metadata.Attribute(parameters["Concurrency"], "ValidateRangeAttribute")!;
        Assert.Equal([1, 512], range.ConstructorArguments.Select(a => Convert.ToInt32(a.Value)));

        bool destinationMandatory = metadata.Attributes(parameters["Destination"], "ParameterAttribute")
            .All(a => a.NamedArguments.Any(n => n.MemberName == "Mandatory" && n.TypedValue.Value is true));
        Assert.True(destinationMandatory, "-Destination must be mandatory");
        Assert.Equal(["LiteralPath"], ParameterSets(parameters["LiteralPath"]));
        Assert.Equal(["Path"], ParameterSets(parameters["Path"]));
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
        Assert.Equal(["AzBlobSync.JobSummary", "AzBlobSync.TransferResult"], viewedTypes.Order());
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
    }

    private List<string?> ParameterSets(PropertyInfo parameter) =>
        metadata.Attributes(parameter, "ParameterAttribute")
            .Select(a => a.NamedArguments.SingleOrDefault(n => n.MemberName == "ParameterSetName").TypedValue.Value as string)
            .ToList();

    private static Version Normalize(Version v) => new(v.Major, v.Minor, Math.Max(v.Build, 0), Math.Max(v.Revision, 0));
}
