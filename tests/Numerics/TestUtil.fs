/// Helpers shared by the Numerics tests.
module BoundLab.Numerics.Tests.TestUtil

/// Anchor type so the runner can find this assembly.
type Marker = class end
