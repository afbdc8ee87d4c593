"""UI building blocks: auth gate, cached loaders, formatting, filters and pure figure builders."""
