/// PyTorch names and layouts of exported models: the exported LeNet, loaded into torch.nn.Sequential by an independent
/// stdlib + torch script, computes the same outputs as our model; export → import is exact for every model kind; a
/// PyTorch MLP state_dict without BoundLab metadata is read as the MLP its Linear weights chain into.
module BoundLab.Numerics.Tests.Interop.TorchLayoutTests

open System
open System.IO
open Expecto
open BoundLab.Numerics
open BoundLab.Numerics.Backends
open BoundLab.Numerics.Interop
open BoundLab.Numerics.Models
open BoundLab.Numerics.Random
open BoundLab.Numerics.Tensors
open BoundLab.Numerics.Tests.TestUtil

let private cpu = CpuBackend(1)

/// LeNet from seed 3 (He init) with biases 0.1·sin(i + 1): the network the golden values below were computed for.
let private lenet () =
    let m = Model<float32>.Create(ModelSpec.LeNet(10, true), cpu, RngKey.FromSeed 3UL)
    for p in m.Parameters do
        if p.Name.StartsWith "b" then cpu.Upload(ReadOnlySpan(Array.init p.Length (fun i -> float32 (0.1 * sin (float (i + 1))))), p.Value)
    m

// The exported file, parsed with struct + json (no safetensors package) and loaded into PyTorch 1.13 (Debian), in float64:
//   raw = open(f, 'rb').read(); n = struct.unpack('<Q', raw[:8])[0]; hdr = json.loads(raw[8:8+n]); data = raw[8+n:]
//   sd = {k: torch.frombuffer(bytearray(data[a:b]), dtype=torch.float32).reshape(v['shape'])
//         for k, v in hdr.items() if k != '__metadata__' for a, b in [v['data_offsets']]}
//   net = nn.Sequential(nn.Conv2d(1,6,5,padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6,16,5), nn.ReLU(), nn.MaxPool2d(2),
//                       nn.Flatten(), nn.Linear(400,120), nn.ReLU(), nn.Linear(120,84), nn.ReLU(), nn.Linear(84,10))
//   net.load_state_dict(sd)   # strict: every name and shape must match
//   x = torch.tensor([((i*37)%17-8)/8 for i in range(2*784)], dtype=torch.float64).reshape(2,1,28,28)
//   print(net.double()(x).flatten().tolist())
let private torchOutputs =
    [| 0.31784815924144805; -1.0121129125255763; 3.8295280314714852; -1.8107172571860368; 1.766062365096668
       1.5094026425871971; 0.9489097736369759; 1.9545994667540285; 0.7929678795742291; -0.7439059324136742
       1.567945480254231; -0.21529243972837792; 4.623413084724051; -1.73473815322144; 0.55812924606649
       0.9940054684297464; 0.8264763173522985; 1.0685370997151966; 0.1761007722235082; -0.4746309367345984 |]

let private roundTrip (m: Model<float32>) =
    let bytes = SafeTensors.Serialize(TorchLayout.Export m, TorchLayout.Metadata m.Spec)
    TorchLayout.Import(SafeTensors.Deserialize(ReadOnlySpan bytes), cpu)

[<Tests>]
let tests =
    testList "Numerics.Interop.TorchLayout" [
        testCase "LeNet: PyTorch's Sequential on the exported state_dict computes our outputs" <| fun () ->
            let m = lenet ()
            let names = TorchLayout.Export m |> Seq.map (fun t -> t.Name, List.ofSeq t.Shape) |> List.ofSeq
            Expect.equal names
                [ "0.weight", [ 6; 1; 5; 5 ]; "0.bias", [ 6 ]; "3.weight", [ 16; 6; 5; 5 ]; "3.bias", [ 16 ]
                  "7.weight", [ 120; 400 ]; "7.bias", [ 120 ]; "9.weight", [ 84; 120 ]; "9.bias", [ 84 ]
                  "11.weight", [ 10; 84 ]; "11.bias", [ 10 ] ] "torch.nn.Sequential names and shapes"
            let x = Matrix<float32>(2, 784, Array.init (2 * 784) (fun i -> float32 (float ((i * 37) % 17 - 8) / 8.0)))
            let ours = (m.Predict x).Data |> Array.map float
            // float32 forward vs float64 forward of the same float32 weights: within 1e-5 of outputs of size ≤ 5.
            Expect.isLessThan (relErr 1e-5 1e-5 ours torchOutputs) 1.0 "outputs agree"

        testCase "export → import is exact for an MLP, a residual MLP and LeNet" <| fun () ->
            for spec in [ ModelSpec.FromMlp(MlpSpec.Parse("7-5-3", Activation.Tanh, true)); ModelSpec.ResMlp(6, 4, 2, 3); ModelSpec.LeNet(10, true) ] do
                let m = Model<float32>.Create(spec, cpu, RngKey.FromSeed 9UL)
                let back = roundTrip m
                Expect.equal back.Spec m.Spec (sprintf "%s: architecture from the metadata" spec.Name)
                Expect.equal (back.Values()) (m.Values()) (sprintf "%s: every parameter bit for bit" spec.Name)

        testCase "residual blocks are modules holding their branch as body" <| fun () ->
            let m = Model<float32>.Create(ModelSpec.ResMlp(6, 4, 1, 3), cpu, RngKey.FromSeed 1UL)
            let names = TorchLayout.Export m |> Seq.map _.Name |> List.ofSeq
            Expect.equal names [ "0.weight"; "0.bias"; "2.body.0.weight"; "2.body.0.bias"; "2.body.2.weight"; "2.body.2.bias"; "4.weight"; "4.bias" ] "names"

        testCase "a PyTorch MLP state_dict without metadata is read as that MLP; a mismatch is named" <| fun () ->
            let w0 = Array.init 12 (fun i -> float32 i * 0.1f)
            let w2 = Array.init 8 (fun i -> float32 i * -0.2f)
            let file = SafeTensorFile([ SafeTensor("0.weight", [| 4; 3 |], w0); SafeTensor("0.bias", [| 4 |], (Array.zeroCreate 4 : float32[]))
                                        SafeTensor("2.weight", [| 2; 4 |], w2); SafeTensor("2.bias", [| 2 |], [| 1f; 2f |]) ],
                                      Collections.Generic.Dictionary<string, string>())
            let m = TorchLayout.Import(file, cpu, Activation.Sigmoid)
            Expect.equal m.Spec (ModelSpec.FromMlp(MlpSpec([| 3; 4; 2 |], Activation.Sigmoid, true))) "3-4-2 sigmoid"
            Expect.equal (m.Values()).[0] w0 "W1 as stored"
            let bad = SafeTensorFile([ SafeTensor("0.weight", [| 4; 3 |], w0); SafeTensor("2.weight", [| 2; 5 |], (Array.zeroCreate 10 : float32[])) ],
                                     Collections.Generic.Dictionary<string, string>())
            let e = throwsOf<InvalidDataException> (fun () -> TorchLayout.Import(bad, cpu, source = "x.safetensors") |> ignore) "mismatch"
            Expect.stringContains e.Message "x.safetensors" "names the file"
            Expect.stringContains e.Message "boundlab_architecture" "says what is missing"
    ]
