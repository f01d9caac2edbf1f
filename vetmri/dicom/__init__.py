"""DICOM: veterinary MR image series, de-identification, import, PACS send and worklist."""
