/// F# façade over the bound catalog for `dotnet fsi` exploration: entries by id, inputs as
/// (name, value) lists, results as the catalog's records.
module BoundLab.Scripts.Bounds

open BoundLab.Bounds.Symbolic
open BoundLab.Bounds.Catalog

/// The catalog entry with this id.
let entry (id: string) : BoundEntry = BoundCatalog.Get id

/// Every catalog id, in catalog order.
let ids () : string list = [ for e in BoundCatalog.All -> e.Id ]

/// Evaluates an entry that holds for any number of classes; a binary-only entry is refused (use evalClasses).
let eval (id: string) (inputs: (string * float) list) : BoundResult =
    BoundEvaluator.Evaluate(id, readOnlyDict inputs)

/// Evaluates an entry for a k-class problem; throws NotApplicableException where the entry is binary-only.
let evalClasses (id: string) (classes: int) (inputs: (string * float) list) : BoundResult =
    BoundEvaluator.Evaluate(id, readOnlyDict inputs, classes)

/// The value of an entry at the given inputs.
let value (id: string) (inputs: (string * float) list) : float = (eval id inputs).Value

/// The entry's formula in LaTeX.
let latex (id: string) : string = LatexPrinter.Latex (entry id).Formula

/// The entry's formula in Unicode.
let unicode (id: string) : string = TextPrinter.Unicode (entry id).Formula

/// (x, value) for each x of the swept input, the other inputs fixed; each point is checked like `eval`
/// and then evaluated with the compiled formula.
let sweep (id: string) (symbol: string) (xs: float list) (inputs: (string * float) list) : (float * float) list =
    let e = entry id
    e.Input symbol |> ignore
    let compiled = CompiledBound.For e
    let fixedInputs = inputs |> List.filter (fun (k, _) -> k <> symbol)
    [ for x in xs ->
        let point = BoundEvaluator.Prepare(e, readOnlyDict ((symbol, x) :: fixedInputs)).Point
        x, compiled.Invoke(compiled.Arguments point) ]

/// The least integer value of a count input (e.g. "n") at which the entry meets the target (binary-only entries are refused).
let solve (id: string) (symbol: string) (target: float) (inputs: (string * float) list) : int64 =
    (SampleComplexity.Solve(entry id, symbol, target, readOnlyDict inputs)).Value

/// ∂bound/∂input for every input at the given point (binary-only entries are refused).
let sensitivity (id: string) (inputs: (string * float) list) : (string * float) list =
    [ for p in Sensitivity.At(entry id, readOnlyDict inputs) -> p.Symbol, p.Derivative ]

/// Evaluates a user-built expression at named values (the symbolic core's reference evaluator).
let evalExpr (e: Expr) (inputs: (string * float) list) : float = Evaluator.Evaluate(e, readOnlyDict inputs)
