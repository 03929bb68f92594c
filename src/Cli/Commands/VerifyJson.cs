using System.Text.Json.Nodes;
using BoundLab.Bounds.Verification;

namespace BoundLab.Cli.Commands;

/// <summary>The JSON shapes of verification results, shared by <c>verify</c> and <c>train --optimizer admm</c>.</summary>
internal static class VerifyJson
{
    public static string Verdict(ClaimVerdict v) => v switch
    {
        ClaimVerdict.Proved => "proved",
        ClaimVerdict.Violated => "violated",
        _ => "unknown",
    };

    public static JsonObject Obligation(ObligationResult r)
    {
        var o = new JsonObject
        {
            ["name"] = r.Obligation.Name,
            ["claim"] = r.Obligation.Claim,
            ["verdict"] = Verdict(r.Verdict),
            ["seconds"] = r.Seconds,
        };
        if (r.Reason is { } reason) o["reason"] = reason;
        if (r.Model is { } model) o["model"] = model;
        if (r.SecondOpinion is { } s) o["cvc5"] = s.ToString().ToLowerInvariant();
        return o;
    }

    public static JsonObject Admm(AdmmReport report)
    {
        var conditions = new JsonArray();
        foreach (var c in report.Conditions)
        {
            var o = Obligation(c.Result);
            o["condition"] = c.Condition.Name;
            o["exact_check"] = c.HoldsExactly ? "holds" : "fails";
            o["given"] = ExactRoots.ExactText(c.Given);
            o["required"] = c.RequiredExact ? ExactRoots.ExactText(c.Required) : ExactRoots.ExactText(ExactRoots.CeilingDecimal(c.Required, 30));
            o["required_exact"] = c.RequiredExact;
            o["required_closed_form"] = c.RequiredClosedForm;
            if (c.Result.Verdict == ClaimVerdict.Violated)
            {
                o["shortfall"] = c.Shortfall.ToDouble();
                o["shortfall_relative"] = (c.Shortfall / c.Required).ToDouble();
            }
            conditions.Add(o);
        }
        var p = report.Parameters;
        return new JsonObject
        {
            ["verdict"] = Verdict(report.Verdict),
            ["depth"] = AdmmConditions.Depth,
            ["violated"] = new JsonArray(report.Conditions.Where(c => c.Result.Verdict == ClaimVerdict.Violated)
                .Select(c => (JsonNode)JsonValue.Create(c.Condition.Name)!).ToArray()),
            ["problem"] = new JsonObject
            {
                ["n"] = ExactRoots.ExactText(report.Problem.N),
                ["x_fro"] = AdmmConditions.Norm(report.Problem.XFroSquared),
                ["y_fro"] = AdmmConditions.Norm(report.Problem.YFroSquared),
                ["x_fro_squared"] = ExactRoots.ExactText(report.Problem.XFroSquared),
                ["y_fro_squared"] = ExactRoots.ExactText(report.Problem.YFroSquared),
                ["r1"] = ExactRoots.ExactText(report.Problem.R1),
                ["r2"] = ExactRoots.ExactText(report.Problem.R2),
            },
            ["parameters"] = Parameters(p),
            ["b"] = BText(report.Problem),
            ["conditions"] = conditions,
        };
    }

    public static JsonObject Parameters(AdmmParameters p) => new()
    {
        ["beta1"] = ExactRoots.ExactText(p.Beta1),
        ["beta2"] = ExactRoots.ExactText(p.Beta2),
        ["beta3"] = ExactRoots.ExactText(p.Beta3),
        ["lambda"] = ExactRoots.ExactText(p.Lambda),
    };

    public static string BText(AdmmProblem problem)
    {
        var (c, k) = problem.B;
        return ExactRoots.TryExactRoot(c, k) is { } b
            ? ExactRoots.ExactText(b)
            : $"({c})^(1/{k}) ≈ {ExactRoots.RootUpper(c, k, 20).ToDouble():G17}";
    }
}
