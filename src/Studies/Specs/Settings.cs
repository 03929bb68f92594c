using BoundLab.Numerics.Data;
using BoundLab.Numerics.Losses;
using BoundLab.Numerics.Training;

namespace BoundLab.Studies.Specs;

/// <summary>Every key of a study file's <c>settings</c> and <c>grid</c>, with its type, range, default and where it applies
/// (the same choices and defaults as <c>boundlab train</c>'s options). A key given where it does not apply is an error.</summary>
public static class Settings
{
    private static readonly string[] Activations = ["relu", "sigmoid", "tanh", "identity"];
    private static readonly string[] Inits = ["he", "lecun", "gaussian"];
    private static readonly string[] Schedules = ["constant", "step", "large-then-decay"];
    private static readonly string[] PacBayesMethods = ["dr17", "pbb-quad", "pbb-lambda", "pbb-classic"];

    private static object? S(IReadOnlyDictionary<string, object> r, string key) => r.GetValueOrDefault(key);
    private static bool Is(IReadOnlyDictionary<string, object> r, string key, params string[] values) => S(r, key) is string s && values.Contains(s);
    private static bool Mnist(IReadOnlyDictionary<string, object> r) => S(r, "dataset") is string s && s.StartsWith("mnist", StringComparison.Ordinal);
    private static bool Mlp(IReadOnlyDictionary<string, object> r) => S(r, "model") is null && S(r, "arch") is null;
    private static bool Always(IReadOnlyDictionary<string, object> r) => true;

    private static Setting Key(string key, SettingKind kind, string help, object? dflt, Func<IReadOnlyDictionary<string, object>, bool>? applies = null,
        string appliesTo = "", IReadOnlyList<string>? choices = null, double min = double.NegativeInfinity, double max = double.PositiveInfinity,
        bool minExclusive = false)
        => new(key, kind, help, _ => dflt, applies ?? Always, appliesTo, choices, min, max, minExclusive);

    /// <summary>The keys in resolution order.</summary>
    public static IReadOnlyList<Setting> All { get; } =
    [
        Key("dataset", SettingKind.Text, "dataset, as train --data", "mnist", choices: Datasets.Names),
        Key("data_dir", SettingKind.Text, "folder holding mnist/ (not part of the run id: the data checksums are)", null, Mnist, "the MNIST datasets"),
        Key("train_size", SettingKind.Integer, "random training subset of this size (default: the whole set)", null, min: 1),
        Key("test_size", SettingKind.Integer, "random test subset of this size (default: the whole set)", null, min: 1),
        Key("label_noise", SettingKind.Real, "fraction of training labels replaced by uniform random labels", 0.0,
            r => !Is(r, "dataset", "teacher"), "classification datasets", min: 0, max: 1),
        Key("model", SettingKind.Text, "a named model instead of depth/width: lenet or resmlp-<width>x<blocks>", null),
        Key("arch", SettingKind.Text, "MLP widths input first (e.g. 784-256-10) instead of depth/width", null, r => S(r, "model") is null, "no model"),
        Key("depth", SettingKind.Integer, "MLP weight layers (2 = one hidden layer); input and output widths come from the data", 2L, Mlp,
            "an MLP given by depth and width (no model or arch)", min: 1),
        Key("width", SettingKind.Integer, "hidden width of every hidden layer", 256L, r => Mlp(r) && S(r, "depth") is long d && d >= 2,
            "depth ≥ 2 (no model or arch)", min: 1),
        Key("activation", SettingKind.Text, "hidden activation", "relu", r => S(r, "model") is null, "an MLP (no model)", Activations),
        Key("bias", SettingKind.Flag, "layers with biases", true),
        Key("loss", SettingKind.Text, "training loss", "cross-entropy", choices: Loss.All.Select(Loss.Name).ToArray()),
        Key("init", SettingKind.Text, "initialization", "he", choices: Inits),
        Key("init_std", SettingKind.Real, "standard deviation of init gaussian", 0.01, r => Is(r, "init", "gaussian"), "init gaussian", min: 0, minExclusive: true),
        Key("optimizer", SettingKind.Text, "optimizer", "sgd", choices: OptimizerKinds.All),
        Key("lr", SettingKind.Real, "learning rate", 0.05, min: 0, minExclusive: true),
        Key("schedule", SettingKind.Text, "learning-rate schedule", "constant", choices: Schedules),
        Key("decay_factor", SettingKind.Real, "multiplier at each decay", 0.1, r => !Is(r, "schedule", "constant"), "schedule step or large-then-decay",
            min: 0, max: 1, minExclusive: true),
        Key("decay_every", SettingKind.Integer, "epochs between decays", 10L, r => Is(r, "schedule", "step"), "schedule step", min: 1),
        Key("momentum", SettingKind.Real, "heavy-ball momentum", 0.9, r => Is(r, "optimizer", "sgd", "gd"), "optimizer sgd or gd", min: 0, max: 0.999999),
        Key("weight_decay", SettingKind.Real, "L2 coefficient", 0.0, r => Is(r, "optimizer", "sgd", "gd", "sgld"), "optimizer sgd, gd or sgld", min: 0),
        Key("beta", SettingKind.Real, "SGLD inverse temperature", 1e6, r => Is(r, "optimizer", "sgld"), "optimizer sgld", min: 0, minExclusive: true),
        Key("grad_subsample", SettingKind.Integer, "SGLD records g_e (mean squared per-example gradient norm, Li–Luo–Qiao) on this many training points (0: off)", 0L,
            r => Is(r, "optimizer", "sgld"), "optimizer sgld", min: 0, max: int.MaxValue),
        Key("grad_every", SettingKind.Integer, "SGLD records g_e at steps 0, K, 2K, …", 1L, r => Is(r, "optimizer", "sgld"), "optimizer sgld", min: 1, max: int.MaxValue),
        Key("pgd_radius", SettingKind.Real, "perturbed GD: perturbation radius", 1e-3, r => Is(r, "optimizer", "pgd"), "optimizer pgd", min: 0, minExclusive: true),
        Key("pgd_grad_threshold", SettingKind.Real, "perturbed GD: gradient-norm threshold", 1e-3, r => Is(r, "optimizer", "pgd"), "optimizer pgd", min: 0),
        Key("pgd_steps", SettingKind.Integer, "perturbed GD: steps between perturbations", 50L, r => Is(r, "optimizer", "pgd"), "optimizer pgd", min: 1),
        Key("pgd_loss_threshold", SettingKind.Real, "perturbed GD: loss-decrease threshold", 1e-6, r => Is(r, "optimizer", "pgd"), "optimizer pgd", min: 0),
        Key("batch", SettingKind.Integer, "minibatch size (chunk size for gd/pgd)", 128L, min: 1, max: int.MaxValue),
        Key("stop_train_loss", SettingKind.Real, "stop when the full training set's loss is at most this (Jiang et al. 2020: equal fit)", null,
            min: 0, minExclusive: true),
        Key("max_epochs", SettingKind.Integer, "epoch cap of the stopping rule", 100L, r => S(r, "stop_train_loss") is not null, "stop_train_loss",
            min: 1, max: int.MaxValue),
        Key("epochs", SettingKind.Integer, "epochs (gd/pgd: iterations)", 5L, r => S(r, "stop_train_loss") is null, "no stop_train_loss (it trains up to max_epochs)",
            min: 1, max: int.MaxValue),
        new("decay_at", SettingKind.Integer, "first decayed epoch of large-then-decay", r => Math.Max(1L, ((long)(S(r, "epochs") ?? S(r, "max_epochs")!)) / 2),
            r => Is(r, "schedule", "large-then-decay"), "schedule large-then-decay", Min: 0, Max: int.MaxValue),
        Key("record_steps", SettingKind.Flag, "keep the per-step trajectory (always on for sgld and pgd)", false,
            r => !Is(r, "optimizer", "sgld", "pgd"), "optimizer sgd or gd (sgld and pgd always record)"),
        Key("seed", SettingKind.Integer, "one seed for data subset, label noise, init, shuffling and noise", 0L, min: 0, max: long.MaxValue),
        Key("pacbayes", SettingKind.Text, "after training: optimize a PAC-Bayes posterior and certify it (boundlab pacbayes --method; row '<entry> (optimized posterior)')", null,
            choices: PacBayesMethods),
        Key("pacbayes_epochs", SettingKind.Integer, "posterior-training epochs of the pacbayes stage (default: the method's, dr17 16, pbb 10)", null,
            r => S(r, "pacbayes") is not null, "pacbayes", min: 1, max: int.MaxValue),
        Key("pacbayes_mc_passes", SettingKind.Integer, "Monte-Carlo passes of the pacbayes stage", 10L, r => S(r, "pacbayes") is not null, "pacbayes",
            min: 1, max: int.MaxValue),
    ];

    /// <summary>The key's definition, or null.</summary>
    public static Setting? Find(string key) => All.FirstOrDefault(s => s.Key == key);
}
