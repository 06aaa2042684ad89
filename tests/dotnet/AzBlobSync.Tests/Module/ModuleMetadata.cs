using System.Reflection;
using System.Runtime.InteropServices;
using AzBlobSync.Tests.Infrastructure;

namespace AzBlobSync.Tests.Module;

/// <summary>
/// The cmdlet assembly and PowerShell's reference assembly opened with MetadataLoadContext: their
/// metadata is read, nothing is loaded into the test runtime (PowerShell is not installed here).
/// </summary>
public sealed class ModuleMetadata : IDisposable
{
    public const string SmaAssemblyName = "System.Management.Automation";

    private readonly MetadataLoadContext context;

    public ModuleMetadata()
    {
        string testDirectory = AppContext.BaseDirectory;
        CmdletAssemblyPath = Path.Combine(testDirectory, "AzBlobSync.PowerShell.dll");
        EngineAssemblyPath = Path.Combine(testDirectory, "AzBlobSync.Engine.dll");
        string smaPath = Path.Combine(PowerShellStandardLibraryDir(), "lib", "netstandard2.0", "System.Management.Automation.dll");
        foreach (string required in new[] { CmdletAssemblyPath, EngineAssemblyPath, smaPath })
        {
            if (!File.Exists(required))
            {
                throw new FileNotFoundException($"{required} is missing; build the solution first.", required);
            }
        }
        var paths = Directory.GetFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll")
            .Where(p => !Path.GetFileName(p).Equals(SmaAssemblyName + ".dll", StringComparison.OrdinalIgnoreCase))
            .Append(CmdletAssemblyPath)
            .Append(EngineAssemblyPath)
            .Append(smaPath);
        context = new MetadataLoadContext(new PathAssemblyResolver(paths), coreAssemblyName: typeof(object).Assembly.GetName().Name);
        CmdletAssembly = context.LoadFromAssemblyPath(CmdletAssemblyPath);
        EngineAssembly = context.LoadFromAssemblyPath(EngineAssemblyPath);
        Sma = context.LoadFromAssemblyPath(smaPath);
    }

    public string CmdletAssemblyPath { get; }

    public string EngineAssemblyPath { get; }

    public Assembly CmdletAssembly { get; }

    public Assembly EngineAssembly { get; }

    public Assembly Sma { get; }

    public Type SmaType(string name) => Sma.GetType($"{SmaAssemblyName}.{name}", throwOnError: true)!;

    /// <summary>Public, non-abstract classes deriving from Cmdlet (PSCmdlet included).</summary>
    public IReadOnlyList<Type> CmdletTypes()
    {
        Type cmdletBase = SmaType("Cmdlet");
        return CmdletAssembly.GetExportedTypes().Where(t => t.IsClass && !t.IsAbstract && cmdletBase.IsAssignableFrom(t)).ToList();
    }

    public CustomAttributeData? Attribute(MemberInfo member, string smaAttributeName) =>
        member.GetCustomAttributesData().SingleOrDefault(a => a.AttributeType.FullName == $"{SmaAssemblyName}.{smaAttributeName}");

    public IEnumerable<CustomAttributeData> Attributes(MemberInfo member, string smaAttributeName) =>
        member.GetCustomAttributesData().Where(a => a.AttributeType.FullName == $"{SmaAssemblyName}.{smaAttributeName}");

    /// <summary>"Verb-Noun" for a cmdlet class, from its [Cmdlet] attribute.</summary>
    public string CmdletName(Type cmdlet)
    {
        var attribute = Attribute(cmdlet, "CmdletAttribute") ?? throw new InvalidOperationException($"{cmdlet} has no [Cmdlet]");
        return $"{attribute.ConstructorArguments[0].Value}-{attribute.ConstructorArguments[1].Value}";
    }

    /// <summary>PowerShell's approved verbs: the constants of the Verbs* classes in its reference assembly.</summary>
    public IReadOnlySet<string> ApprovedVerbs()
    {
        string[] verbClasses = ["VerbsCommon", "VerbsCommunications", "VerbsData", "VerbsDiagnostic", "VerbsLifecycle", "VerbsOther", "VerbsSecurity"];
        return verbClasses
            .SelectMany(c => SmaType(c).GetFields(BindingFlags.Public | BindingFlags.Static))
            .Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToHashSet(StringComparer.Ordinal);
    }

    public void Dispose() => context.Dispose();

    private static string PowerShellStandardLibraryDir()
    {
        string? dir = typeof(ModuleMetadata).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == "PowerShellStandardLibraryDir")?.Value;
        if (string.IsNullOrEmpty(dir))
        {
            throw new InvalidOperationException("The test assembly does not say where PowerShellStandard.Library was restored.");
        }
        return dir;
    }
}
