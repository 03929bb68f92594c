namespace BoundLab.Bounds;
