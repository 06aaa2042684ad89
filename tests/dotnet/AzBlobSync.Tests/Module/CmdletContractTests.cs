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
    private static readonly string[] ReadOnlyCmdlets = ["Get-AzBlobJob", "Test-AzBlobSync"];

    /// <summary>Cmdlets that only make an in-memory value (nothing on disk or in storage changes): no -WhatIf either.</summary>
    private static readonly string[] ValueCmdlets = ["New-AzBlobCredential"];

    /// <summary>Verbs a read-only cmdlet may use; a cmdlet with any other verb is presumed to write.</summary>
    private static readonly string[] ReadOnlyVerbs = ["Get", "Test", "Find", "Search", "Compare", "Measure", "Resolve"];

    /// <summary>The filters, credentials and concurrency every cmdlet takes (declared once, in TransferCmdletBase).</summary>
    private static readonly string[] TransferParameters =
    [
        "AuthorityHost", "BlockSizeMB", "CaCertificatePath", "Concurrency", "Credential", "Environment", "Exclude", "ExcludePath", "ExcludeRegex", "Include",
        "IncludeAfter", "IncludeBefore", "IncludePath", "IncludeRegex", "MaxAge", "MemoryBudgetMB", "MinAge", "SecretName", "StorageAccountKey",
        "TenantId", "Vault",
    ];

    /// <summary>The parameters Sync-AzBlob and Test-AzBlobSync share (the ends and the comparison, in EndpointCmdletBase, and the above).</summary>
    private static readonly string[] SharedParameters =
    [
        .. TransferParameters, "CompareHash", "Destination", "DestinationUri", "HashCachePath", "LiteralPath", "Path", "SourceUri",
    ];

    /// <summary>What uploads can set on every blob: Sync-AzBlob and Copy-AzBlob, upload sets only.</summary>
    private static readonly string[] UploadPropertyParameters = ["AccessTier", "CacheControl", "ContentType", "Metadata", "Tag"];

    [Fact]
    public void The_assembly_defines_the_transfer_cmdlets_the_job_cmdlets_and_New_AzBlobCredential()
    {
        Assert.Equal(
            ["Copy-AzBlob", "Get-AzBlobJob", "New-AzBlobCredential", "Remove-AzBlobJob", "Resume-AzBlobJob", "Sync-AzBlob", "Test-AzBlobSync"],
            metadata.CmdletTypes().Select(metadata.CmdletName).Order());
    }

    [Fact]
    public void The_job_cmdlets_take_ids_from_the_pipeline_and_Resume_signs_in_as_the_transfer_cmdlets_do()
    {
        Assert.Equal(["AzBlobSync.JobRecord"], OutputTypes(Cmdlet("Get-AzBlobJob")));
        Assert.Equal(["AzBlobSync.JobRecord"], OutputTypes(Cmdlet("Remove-AzBlobJob")));
        Assert.Equal(["AzBlobSync.JobSummary", "AzBlobSync.TransferResult"], OutputTypes(Cmdlet("Resume-AzBlobJob")));

        var get = Parameters(Cmdlet("Get-AzBlobJob"));
        Assert.Equal(["JobDirectory", "JobId", "Status"], get.Keys.Order());
        Assert.Equal("AzBlobSync.JobStatus[]", get["Status"].PropertyType.FullName);

        var remove = Parameters(Cmdlet("Remove-AzBlobJob"));
        Assert.Equal(["JobDirectory", "JobId", "OlderThan", "PassThru", "Status"], remove.Keys.Order());
        Assert.Equal("System.DateTime", remove["OlderThan"].PropertyType.FullName);
        var removeId = metadata.Attributes(remove["JobId"], "ParameterAttribute").Single();
        Assert.Contains(removeId.NamedArguments, a => a.MemberName == "ValueFromPipeline" && a.TypedValue.Value is true);
        Assert.Contains(removeId.NamedArguments, a => a.MemberName == "ValueFromPipelineByPropertyName" && a.TypedValue.Value is true);
        var removeAttribute = metadata.Attribute(Cmdlet("Remove-AzBlobJob"), "CmdletAttribute")!;
        Assert.Contains(removeAttribute.NamedArguments, a => a.MemberName == "ConfirmImpact" && Convert.ToInt32(a.TypedValue.Value) == 2); // Medium

        var resume = Parameters(Cmdlet("Resume-AzBlobJob"));
        Assert.Contains(metadata.Attributes(resume["JobId"], "ParameterAttribute").Single().NamedArguments, a => a.MemberName == "ValueFromPipelineByPropertyName" && a.TypedValue.Value is true);
        Assert.Equal("System.Security.SecureString", resume["SourceSas"].PropertyType.FullName);
        Assert.Equal("System.Security.SecureString", resume["DestinationSas"].PropertyType.FullName);
        foreach (string signIn in new[] { "StorageAccountKey", "Credential", "Vault", "SecretName", "TenantId", "CaCertificatePath", "AuthorityHost", "Environment", "Concurrency" })
        {
            Assert.Equal(Parameters(Cmdlet("Sync-AzBlob"))[signIn].PropertyType, resume[signIn].PropertyType);
        }
        Assert.DoesNotContain("Include", resume.Keys); // a resume runs the recorded filters
    }

    [Fact]
    public void Every_cmdlet_is_sealed_with_an_approved_verb_and_output_types()
    {
        var approved = metadata.ApprovedVerbs();
        Assert.Contains("Sync", approved);
        Assert.Contains("Test", approved);
        Assert.Contains("Copy", approved);
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
            if (ValueCmdlets.Contains(name))
            {
                Assert.False(supportsShouldProcess, $"{name} only makes a value but declares SupportsShouldProcess");
            }
            else if (ReadOnlyCmdlets.Contains(name))
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
    public void Copy_AzBlob_declares_results_and_summaries_like_Sync_AzBlob()
    {
        Assert.Equal(["AzBlobSync.JobSummary", "AzBlobSync.TransferResult"], OutputTypes(Cmdlet("Copy-AzBlob")));
    }

    [Fact]
    public void Test_AzBlobSync_declares_differences_and_the_quiet_bool()
    {
        Assert.Equal(["AzBlobSync.SyncDifference", "System.Boolean"], OutputTypes(Cmdlet("Test-AzBlobSync")));
    }

    [Fact]
    public void Both_cmdlets_have_an_upload_pair_of_sets_a_download_set_and_a_between_containers_set()
    {
        foreach (string name in new[] { "Sync-AzBlob", "Test-AzBlobSync" })
        {
            Type cmdlet = Cmdlet(name);
            var parameters = Parameters(cmdlet);
            Assert.Equal("Path", metadata.Attribute(cmdlet, "CmdletAttribute")!.NamedArguments.Single(a => a.MemberName == "DefaultParameterSetName").TypedValue.Value);
            Assert.Equal(["BetweenContainers", "Download", "LiteralPath", "Path"], parameters.Values.SelectMany(ParameterSets).OfType<string>().Distinct().Order());

            Assert.NotNull(metadata.Attribute(parameters["Path"], "SupportsWildcardsAttribute"));
            var alias = metadata.Attribute(parameters["LiteralPath"], "AliasAttribute")!;
            Assert.Contains("PSPath", ((IEnumerable<CustomAttributeTypedArgument>)alias.ConstructorArguments[0].Value!).Select(a => a.Value));
            Assert.Equal(["LiteralPath"], ParameterSets(parameters["LiteralPath"]));
            Assert.Equal(["Path"], ParameterSets(parameters["Path"]));
            Assert.Equal(["BetweenContainers", "Download"], ParameterSets(parameters["SourceUri"]).Order());
            Assert.True(IsMandatory(parameters["SourceUri"]), "-SourceUri must be mandatory in the download and between-containers sets");
            // Named only: a position would make 'Cmdlet <url> <folder>' ambiguous with -Path.
            Assert.Null(Position(parameters["SourceUri"]));
            Assert.Equal(0, Position(parameters["Path"]));
            AssertDestinationParameters(parameters);

            Assert.Equal("System.Security.SecureString", parameters["StorageAccountKey"].PropertyType.FullName);
            var range = metadata.Attribute(parameters["Concurrency"], "ValidateRangeAttribute")!;
            Assert.Equal([1, 512], range.ConstructorArguments.Select(a => Convert.ToInt32(a.Value)));
        }
    }

    [Fact]
    public void Every_cmdlet_takes_the_same_filters_with_the_same_types()
    {
        foreach (string name in new[] { "Sync-AzBlob", "Test-AzBlobSync", "Copy-AzBlob" })
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
        var copy = Parameters(Cmdlet("Copy-AzBlob"));
        foreach (string shared in SharedParameters)
        {
            Assert.Equal(sync[shared].PropertyType.FullName, test[shared].PropertyType.FullName);
            Assert.Equal(ParameterSets(sync[shared]), ParameterSets(test[shared]));
        }
        foreach (string shared in TransferParameters)
        {
            Assert.Same(sync[shared].DeclaringType, copy[shared].DeclaringType);
            Assert.Equal(ParameterSets(sync[shared]), ParameterSets(copy[shared]));
        }
    }

    [Fact]
    public void Sync_and_check_compare_by_hash_alike_in_every_set()
    {
        foreach (string name in new[] { "Sync-AzBlob", "Test-AzBlobSync" })
        {
            var parameters = Parameters(Cmdlet(name));
            Type compareHash = parameters["CompareHash"].PropertyType;
            Assert.True(compareHash.IsEnum);
            Assert.Equal("AzBlobSync.CompareHashMode", compareHash.FullName);
            Assert.Equal(["MD5", "None"], compareHash.GetEnumNames().Order(StringComparer.Ordinal));
            Assert.Equal([null], ParameterSets(parameters["CompareHash"]));
            Assert.Equal("System.String", parameters["HashCachePath"].PropertyType.FullName);
            Assert.Equal([null], ParameterSets(parameters["HashCachePath"]));
        }
    }

    [Fact]
    public void Upload_properties_are_the_same_in_Sync_AzBlob_and_Copy_AzBlob_and_only_on_upload()
    {
        var sync = Parameters(Cmdlet("Sync-AzBlob"));
        var copy = Parameters(Cmdlet("Copy-AzBlob"));
        foreach (string name in UploadPropertyParameters)
        {
            Assert.Equal(sync[name].PropertyType.FullName, copy[name].PropertyType.FullName);
            Assert.Equal(["LiteralPath", "Path"], ParameterSets(sync[name]).Order());
            Assert.Equal(["LiteralPath", "Path"], ParameterSets(copy[name]).Order());
        }
        Assert.Equal("System.String", sync["ContentType"].PropertyType.FullName);
        Assert.Equal("System.String", sync["CacheControl"].PropertyType.FullName);
        Assert.Equal("System.Collections.Hashtable", sync["Metadata"].PropertyType.FullName);
        Assert.Equal("System.Collections.Hashtable", sync["Tag"].PropertyType.FullName);
        Type tier = sync["AccessTier"].PropertyType;
        Assert.True(tier.IsEnum);
        Assert.Equal(["Archive", "Cold", "Cool", "Hot"], tier.GetEnumNames().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Copy_AzBlob_parameters_follow_the_contract()
    {
        Type cmdlet = Cmdlet("Copy-AzBlob");
        var parameters = Parameters(cmdlet);
        Assert.Equal(
            new[] { "CheckMd5", "Destination", "DestinationUri", "LiteralPath", "Overwrite", "Path", "PutMd5", "Recursive", "SourceUri" }
                .Concat(TransferParameters).Concat(UploadPropertyParameters).Order(StringComparer.Ordinal),
            parameters.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("Path", metadata.Attribute(cmdlet, "CmdletAttribute")!.NamedArguments.Single(a => a.MemberName == "DefaultParameterSetName").TypedValue.Value);
        Assert.Equal(["BetweenContainers", "Download", "LiteralPath", "Path"], parameters.Values.SelectMany(ParameterSets).OfType<string>().Distinct().Order());

        // -Path: several, wildcards, by value from the pipeline.
        Assert.Equal("System.String[]", parameters["Path"].PropertyType.FullName);
        Assert.NotNull(metadata.Attribute(parameters["Path"], "SupportsWildcardsAttribute"));
        Assert.Equal(["Path"], ParameterSets(parameters["Path"]));
        Assert.Equal(0, Position(parameters["Path"]));
        Assert.True(PipelineFlag(parameters["Path"], "ValueFromPipeline"));

        // -LiteralPath: what Get-ChildItem pipes in binds by FullName (or PSPath).
        Assert.Equal("System.String[]", parameters["LiteralPath"].PropertyType.FullName);
        Assert.Equal(["LiteralPath"], ParameterSets(parameters["LiteralPath"]));
        Assert.True(PipelineFlag(parameters["LiteralPath"], "ValueFromPipelineByPropertyName"), "-LiteralPath must bind from the pipeline by property name");
        var aliases = ((IEnumerable<CustomAttributeTypedArgument>)metadata.Attribute(parameters["LiteralPath"], "AliasAttribute")!.ConstructorArguments[0].Value!)
            .Select(a => (string)a.Value!).ToList();
        Assert.Contains("FullName", aliases);
        Assert.Contains("PSPath", aliases);
        Assert.True(IsMandatory(parameters["LiteralPath"]));

        Assert.Equal(["BetweenContainers", "Download"], ParameterSets(parameters["SourceUri"]).Order());
        Assert.True(IsMandatory(parameters["SourceUri"]));
        Assert.Null(Position(parameters["SourceUri"]));
        AssertDestinationParameters(parameters);

        Assert.Equal("System.Management.Automation.SwitchParameter", parameters["Recursive"].PropertyType.FullName);
        Assert.Equal([null], ParameterSets(parameters["Recursive"]));
        Type overwrite = parameters["Overwrite"].PropertyType;
        Assert.True(overwrite.IsEnum);
        Assert.Equal(["True", "False", "IfSourceNewer", "Prompt"], overwrite.GetEnumNames());
        Assert.Equal([null], ParameterSets(parameters["Overwrite"]));
        Assert.Equal(["LiteralPath", "Path"], ParameterSets(parameters["PutMd5"]).Order());
        Assert.Equal(["Download"], ParameterSets(parameters["CheckMd5"]));
        Assert.Equal(parameters["CheckMd5"].PropertyType, Parameters(Cmdlet("Sync-AzBlob"))["CheckMd5"].PropertyType);
    }

    [Fact]
    public void Sync_AzBlob_parameters_follow_the_contract()
    {
        var parameters = Parameters(Cmdlet("Sync-AzBlob"));
        Assert.Equal(
            new[] { "CheckMd5", "DeleteDestination", "IncludeSkipped", "JobDirectory", "MaxDelete", "PutMd5" }.Concat(SharedParameters).Concat(UploadPropertyParameters)
                .Order(StringComparer.Ordinal),
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
        // Read-only: nothing about writing, deleting or putting MD5s (a check compares sizes and times, or content with -CompareHash).
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
        Assert.Equal(["AzBlobSync.JobRecord", "AzBlobSync.JobSummary", "AzBlobSync.SyncDifference", "AzBlobSync.TransferResult"], viewedTypes.Order());
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
        // The reason matters for a copy (overwrite, exists, notNewer) and a hash comparison (contentChanged).
        Assert.Equal(["Status", "Action", "Reason", "Bytes", "Path", "Blob", "Error"], transferColumns);
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

    /// <summary>
    /// -Destination (a local path or a container URL) is mandatory at position 1 in the upload and download sets;
    /// -DestinationUri takes its place in the between-containers set, mandatory and named only (a position would make
    /// '-SourceUri url folder' bind the download set and this one alike), so each form binds exactly one set.
    /// </summary>
    private void AssertDestinationParameters(Dictionary<string, PropertyInfo> parameters)
    {
        Assert.True(IsMandatory(parameters["Destination"]), "-Destination must be mandatory in every set it belongs to");
        Assert.Equal(["Download", "LiteralPath", "Path"], ParameterSets(parameters["Destination"]).Order());
        Assert.Equal(1, Position(parameters["Destination"]));
        Assert.True(IsMandatory(parameters["DestinationUri"]), "-DestinationUri must be mandatory in the between-containers set");
        Assert.Equal(["BetweenContainers"], ParameterSets(parameters["DestinationUri"]));
        Assert.Null(Position(parameters["DestinationUri"]));
        Assert.Equal("System.String", parameters["DestinationUri"].PropertyType.FullName);
    }

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

    /// <summary>A pipeline flag (ValueFromPipeline, ValueFromPipelineByPropertyName) set in every [Parameter] the parameter has.</summary>
    private bool PipelineFlag(PropertyInfo parameter, string flag) =>
        metadata.Attributes(parameter, "ParameterAttribute")
            .All(a => a.NamedArguments.Any(n => n.MemberName == flag && n.TypedValue.Value is true));

    private List<string?> ParameterSets(PropertyInfo parameter) =>
        metadata.Attributes(parameter, "ParameterAttribute")
            .Select(a => a.NamedArguments.SingleOrDefault(n => n.MemberName == "ParameterSetName").TypedValue.Value as string)
            .ToList();

    private static Version Normalize(Version v) => new(v.Major, v.Minor, Math.Max(v.Build, 0), Math.Max(v.Revision, 0));
}
