// Embedders get the module model and error types with `import Kite`.
@_exported import KiteBinary
@_exported import KiteTranslator
