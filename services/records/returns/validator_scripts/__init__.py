"""Scripts that run inside the validators' own virtual environments (validators.py starts them by
path, with that environment's Python). They import pandas 1.5 and the DfE-rule validators, which
the project's environment does not have: never import them from ICS. This file only makes them a
package, so that both `pip install -e .` and a normal install ship them."""
