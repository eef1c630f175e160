using System.CommandLine;
using NetworkTwin.Console.Cli;
using NetworkTwin.Hosting.Security;
using Spectre.Console;

namespace NetworkTwin.Console.Coordinator;

/// <summary><c>networktwin dev-ca</c>: a development CA with a coordinator and an agent certificate.</summary>
public static class DevCaCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for ca.pem, server.pem/.key and client.pem/.key.", Required = true };
        var hosts = new Option<string[]>("--host") { Description = "Host name or IP the coordinator is reached by (repeatable; localhost and 127.0.0.1 always included).", Arity = ArgumentArity.ZeroOrMore };
        var client = new Option<string>("--agent-id") { Description = "Agent id the client certificate names (its CN); the coordinator accepts it for that agent only.", DefaultValueFactory = _ => "networktwin-agent" };
        var command = new Command("dev-ca", "Create a development certificate authority and TLS certificates for the coordinator and an agent (30 days).") { output, hosts, client };
        command.SetAction(parse =>
        {
            var files = DevelopmentCertificates.Write(parse.GetRequiredValue(output).FullName, parse.GetValue(hosts) ?? [], parse.GetRequiredValue(client));
            console.MarkupLine($"CA: {Markup.Escape(files.CaCertificate)}");
            console.MarkupLine($"coordinator: Coordinator:Tls:CertificateFile={Markup.Escape(files.ServerCertificate)} Coordinator:Tls:KeyFile={Markup.Escape(files.ServerKey)} Coordinator:Tls:ClientCaFile={Markup.Escape(files.CaCertificate)}");
            console.MarkupLine($"agent {Markup.Escape(parse.GetRequiredValue(client))}: Agent:Coordinator:Address=https://<host>:7070 Agent:Coordinator:CaFile={Markup.Escape(files.CaCertificate)} Agent:Coordinator:ClientCertificateFile={Markup.Escape(files.ClientCertificate)} Agent:Coordinator:ClientKeyFile={Markup.Escape(files.ClientKey)}");
            console.MarkupLine("[yellow]For development only: keep the .key files private; production uses the operator's PKI.[/]");
            return CliApp.ExitOk;
        });
        return command;
    }
}
