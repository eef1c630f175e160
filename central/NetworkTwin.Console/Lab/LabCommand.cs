using System.CommandLine;
using NetworkTwin.Console.Lab.Allocation;
using NetworkTwin.Console.Lab.Fronthaul;
using NetworkTwin.Console.Lab.Models;
using NetworkTwin.Console.Lab.Replay;
using NetworkTwin.Console.Lab.Scenario;
using NetworkTwin.Console.Lab.Validation;
using Spectre.Console;

namespace NetworkTwin.Console.Lab;

/// <summary>The <c>lab</c> group of the CLI (a folder per group: this one holds its commands below it).</summary>
public static class LabCommand
{
    /// <summary>
    /// <c>networktwin lab ...</c>: the offline analysis, generated and replayed telemetry, allocation, forecasts on public
    /// data, ONNX conformance and the scenario templates: what an engineer evaluates the twin with, not what an operator runs it with.
    /// </summary>
    public static Command Create(IAnsiConsole console)
    {
        var lab = new Command("lab", "Evaluation and data tools: analyse captures, generate and replay telemetry, allocate, forecast public traffic, scenario templates, ONNX conformance, the sizing against ns-3.");
        var analyze = new Command("analyze", "Analyse captured telemetry.");
        analyze.Add(AnalyzeFronthaulCommand.Create(console));
        lab.Add(analyze);
        var generate = new Command("generate", "Generate realistic telemetry with known ground truth.");
        generate.Add(GenerateFronthaulCommand.Create(console));
        lab.Add(generate);
        lab.Add(ReplayCommand.Create(console));
        lab.Add(AllocateCommand.Create(console));
        lab.Add(ForecastCommand.Create(console));
        var scenario = new Command("scenario", "Network kinds as scenario templates: what-ifs on a capture or a backbone, a LEO constellation.");
        scenario.Add(WhatIfCommand.Create(console));
        scenario.Add(LeoCommand.Create(console));
        lab.Add(scenario);
        lab.Add(OnnxCommand.Create(console));
        var validate = new Command("validate", "Hold the twin's answers against ns-3, the packet-level simulator: fronthaul link sizing, backbone what-ifs.");
        validate.Add(ValidateFronthaulCommand.Create(console));
        validate.Add(ValidateBackboneCommand.Create(console));
        lab.Add(validate);
        return lab;
    }
}
