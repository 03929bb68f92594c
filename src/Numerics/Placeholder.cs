namespace BoundLab.Numerics;
