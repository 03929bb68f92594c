namespace BoundLab.Numerics.Models;

/// <summary>One trainable tensor and its gradient, flat (a weight matrix's row-major storage or a bias).</summary>
/// <param name="Name">"W1", "b1", … (1-based layer index, as in the papers).</param>
/// <param name="Value">The parameter values (the model's own storage, not a copy).</param>
/// <param name="Grad">The gradient of the last backward pass, same length.</param>
public sealed record Parameter<T>(string Name, T[] Value, T[] Grad);
