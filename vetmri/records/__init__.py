"""The local pet record store (owners, pets, studies, series, PACS send queue) on TinyDB."""
