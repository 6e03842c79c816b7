"""Live plots of training: the decision boundary, the loss and accuracy curves, colour maps."""
