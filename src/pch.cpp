// Compiles src/pch.hpp once so that every other target can reuse the precompiled header.
