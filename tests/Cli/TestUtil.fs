/// Helpers shared by the Cli tests.
module BoundLab.Cli.Tests.TestUtil

/// Anchor type so the runner can find this assembly.
type Marker = class end
