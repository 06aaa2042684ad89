using System.Management.Automation;
using System.Reflection;

namespace AzBlobSync.HelpGenerator;

/// <summary>One cmdlet's help: its shape as PowerShell binds it (from <see cref="CmdletInfo"/>) and its text (from <see cref="XmlDocs"/>).</summary>
internal sealed record CommandHelp(
    string Name,
    string Synopsis,
    IReadOnlyList<string> Description,
    IReadOnlyList<SyntaxItem> Syntax,
    IReadOnlyList<ParameterHelp> Parameters,
    IReadOnlyList<TypeHelp> Inputs,
    IReadOnlyList<TypeHelp> Outputs,
    IReadOnlyList<string> Notes,
    IReadOnlyList<Example> Examples)
{
    /// <summary>PowerShell's own risk-mitigation parameters: documented the way PowerShell documents them.</summary>
    private static readonly Dictionary<string, string> ShouldProcessText = new()
    {
        ["WhatIf"] = "Shows what would happen if the cmdlet runs, without changing anything: the destination is compared for real and the results say what would transfer or be deleted.",
        ["Confirm"] = "Prompts for confirmation before the job starts and before each deletion or overwrite.",
    };

    public static CommandHelp From(CmdletInfo cmdlet, XmlDocs docs)
    {
        Type type = cmdlet.ImplementingType;
        var typeDoc = docs.Type(type);
        var parameters = cmdlet.Parameters.Values
            .Where(p => !Cmdlet.CommonParameters.Contains(p.Name) && p.Name != "UseTransaction")
            .Select(p => ParameterHelp.From(p, type, docs, ShouldProcessText.GetValueOrDefault(p.Name)))
            .ToList();
        var syntax = cmdlet.ParameterSets
            .OrderBy(s => s.IsDefault ? 0 : 1)
            .Select(s => new SyntaxItem(s.Name, s.Parameters
                .Where(p => parameters.Any(h => h.Name == p.Name))
                .OrderBy(p => p.Position >= 0 ? p.Position : int.MaxValue)
                .ThenBy(p => p.IsMandatory ? 0 : 1)
                .ThenBy(p => ShouldProcessText.ContainsKey(p.Name) ? 1 : 0)
                .Select(p => new SyntaxParameter(parameters.First(h => h.Name == p.Name), p.IsMandatory, p.Position))
                .ToList()))
            .ToList();
        // The parameters section follows the syntax: positional ones first, the way a user reads them.
        var order = syntax.SelectMany(s => s.Parameters).Select(p => p.Parameter.Name).Distinct().ToList();
        parameters = parameters.OrderBy(p => order.IndexOf(p.Name) is var i and >= 0 ? i : int.MaxValue).ToList();
        var inputs = parameters
            .Where(p => p.PipelineInput != "False")
            .GroupBy(p => p.Type.FullName)
            .Select(g => new TypeHelp(g.Key!, new[] { $"Binds to {string.Join(" and ", g.Select(p => $"-{p.Name} ({p.PipelineInput.Replace("True ", string.Empty).Trim('(', ')')})"))}." }))
            .ToList();
        var outputs = cmdlet.OutputType
            .Select(o => o.Type ?? throw new InvalidOperationException($"{cmdlet.Name}: output type {o.Name} cannot be resolved"))
            .Select(t => new TypeHelp(t.FullName!, OutputText(typeDoc, t, docs)))
            .ToList();
        return new CommandHelp(
            cmdlet.Name,
            XmlDocs.Paragraphs(typeDoc, "synopsis").FirstOrDefault() ?? string.Empty,
            XmlDocs.Paragraphs(typeDoc, "description"),
            syntax,
            parameters,
            inputs,
            outputs,
            XmlDocs.Paragraphs(typeDoc, "notes"),
            XmlDocs.Examples(typeDoc));
    }

    /// <summary>An output type's text: the cmdlet's own &lt;para type="output" name="..."&gt;, else the type's summary.</summary>
    private static IReadOnlyList<string> OutputText(System.Xml.Linq.XElement? cmdletDoc, Type type, XmlDocs docs)
    {
        IReadOnlyList<string> own = XmlDocs.Paragraphs(cmdletDoc, "output", type.FullName);
        return own.Count > 0 ? own : XmlDocs.Summary(docs.Type(type)).Where(s => s.Length > 0).ToList();
    }

    /// <summary>What a user would miss in Get-Help; the build fails on any.</summary>
    public IEnumerable<string> Gaps()
    {
        if (Synopsis.Length == 0)
        {
            yield return $"{Name}: no <para type=\"synopsis\"> on the cmdlet class";
        }
        if (Description.Count == 0)
        {
            yield return $"{Name}: no <para type=\"description\"> on the cmdlet class";
        }
        if (Examples.Count < 2)
        {
            yield return $"{Name}: {Examples.Count} <example>(s); give at least two";
        }
        foreach (Example example in Examples.Where(e => e.Code.Length == 0 || e.Remarks.Count == 0 || e.Title.Length == 0))
        {
            yield return $"{Name}: example '{example.Title}' needs a <para type=\"title\">, a <code> and a <para> saying what it does";
        }
        foreach (ParameterHelp parameter in Parameters.Where(p => p.Description.Count == 0 || p.Description.All(d => d.Length == 0)))
        {
            yield return $"{Name}: parameter -{parameter.Name} has no help; add a /// <summary> to its property";
        }
        foreach (TypeHelp output in Outputs.Where(o => o.Description.Count == 0))
        {
            yield return $"{Name}: output type {output.TypeName} has no /// <summary>";
        }
    }
}

internal sealed record SyntaxItem(string ParameterSetName, IReadOnlyList<SyntaxParameter> Parameters);

internal sealed record SyntaxParameter(ParameterHelp Parameter, bool IsMandatory, int Position);

internal sealed record TypeHelp(string TypeName, IReadOnlyList<string> Description);

internal sealed record ParameterHelp(
    string Name,
    Type Type,
    IReadOnlyList<string> Description,
    bool IsSwitch,
    bool Globbing,
    string PipelineInput,
    IReadOnlyList<string> Aliases,
    bool RequiredInAnySet,
    string Position,
    IReadOnlyList<string> EnumValues)
{
    public static ParameterHelp From(ParameterMetadata p, Type cmdletType, XmlDocs docs, string? fixedText)
    {
        PropertyInfo? property = cmdletType.GetProperty(p.Name, BindingFlags.Public | BindingFlags.Instance);
        IReadOnlyList<string> description = fixedText is not null
            ? new[] { fixedText }
            : XmlDocs.Summary(property is null ? null : docs.Property(property.DeclaringType!, property.Name));
        var sets = p.ParameterSets.Values.ToList();
        bool byValue = sets.Any(s => s.ValueFromPipeline);
        bool byName = sets.Any(s => s.ValueFromPipelineByPropertyName);
        string pipeline = (byValue, byName) switch
        {
            (true, true) => "True (ByValue, ByPropertyName)",
            (true, false) => "True (ByValue)",
            (false, true) => "True (ByPropertyName)",
            _ => "False",
        };
        var positions = sets.Select(s => s.Position).Where(x => x >= 0).Distinct().ToList();
        Type type = p.ParameterType;
        Type underlying = Nullable.GetUnderlyingType(type) ?? type;
        return new ParameterHelp(
            p.Name,
            type,
            description,
            p.SwitchParameter,
            property?.GetCustomAttribute<SupportsWildcardsAttribute>() is not null,
            pipeline,
            p.Aliases.ToList(),
            sets.Any(s => s.IsMandatory),
            positions.Count == 1 ? positions[0].ToString(System.Globalization.CultureInfo.InvariantCulture) : "named",
            underlying.IsEnum ? Enum.GetNames(underlying) : Array.Empty<string>());
    }

    /// <summary>The type as Get-Help shows it: short names, arrays with [].</summary>
    public string TypeDisplayName => Type.IsArray ? Type.GetElementType()!.Name + "[]" : Type.Name;
}
