"""Shell integration: one template file per shell (init.bash, init.zsh, init.fish), rendered by
`render`, and the completion scripts generated from the click commands (`completion`)."""
from __future__ import annotations

SHELLS = ("bash", "zsh", "fish")
