/// Helpers shared by the Studies tests.
module BoundLab.Studies.Tests.TestUtil

/// Anchor type so the runner can find this assembly.
type Marker = class end
