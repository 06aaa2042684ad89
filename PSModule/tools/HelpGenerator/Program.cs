using System.Management.Automation;

namespace AzBlobSync.HelpGenerator;

/// <summary>
/// HelpGenerator &lt;built module folder&gt; &lt;output .dll-Help.xml&gt;: imports the module in a hosted runspace,
/// reads each exported cmdlet's parameters, sets and outputs as PowerShell binds them, takes their help text from
/// the XML doc comments beside the assemblies, and writes MAML. Exits 1, naming each gap, when a cmdlet lacks a
/// synopsis, a description, two examples, or any parameter's text: a new parameter cannot ship without help.
/// </summary>
/// <remarks>
/// C# rather than Rust in xtask because only .NET can read the cmdlets the way PowerShell does, and platyPS (the
/// usual tool) is not available here; the doc comments are the single source so help sits beside the code it describes.
/// </remarks>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length != 2)
        {
            Console.Error.WriteLine("usage: HelpGenerator <built module folder> <output help xml>");
            return 2;
        }
        string moduleFolder = Path.GetFullPath(args[0]);
        using PowerShell ps = PowerShell.Create();
        ps.AddCommand("Import-Module").AddParameter("Name", Path.Combine(moduleFolder, "AzBlobSync.psd1")).AddParameter("PassThru");
        var imported = ps.Invoke<PSModuleInfo>();
        if (ps.HadErrors || imported.Count != 1)
        {
            Console.Error.WriteLine($"HelpGenerator: cannot import {moduleFolder}: {string.Join("; ", ps.Streams.Error)}");
            return 1;
        }
        var docs = new XmlDocs(Directory.GetFiles(moduleFolder, "AzBlobSync*.xml"));
        var commands = imported[0].ExportedCmdlets.Values.OrderBy(c => c.Name, StringComparer.Ordinal)
            .Select(c => CommandHelp.From(c, docs)).ToList();
        var gaps = commands.SelectMany(c => c.Gaps()).ToList();
        if (gaps.Count > 0)
        {
            Console.Error.WriteLine("HelpGenerator: help is missing:\n  " + string.Join("\n  ", gaps));
            return 1;
        }
        string output = Path.GetFullPath(args[1]);
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        MamlWriter.Write(output, commands, new[] { "about_AzBlobSync" });
        Console.WriteLine($"HelpGenerator: help for {string.Join(", ", commands.Select(c => c.Name))} written to {output}");
        return 0;
    }
}
