/// Helpers shared by the Bounds tests.
module BoundLab.Bounds.Tests.TestUtil

/// Anchor type so the runner can find this assembly.
type Marker = class end
