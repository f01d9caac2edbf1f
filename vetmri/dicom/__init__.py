"""DICOM: veterinary MR image series, de-identification, import, PACS send and worklist.

The only package that uses pydicom and pynetdicom. Importing it loads neither: the input
types (:mod:`~vetmri.dicom.patient`, :mod:`~vetmri.dicom.study`,
:mod:`~vetmri.dicom.volume`) are plain dataclasses, and the modules that need the DICOM
libraries are imported by whoever uses them.

Modules
-------
patient, study, volume
    Typed inputs: :class:`AnimalPatient`, :class:`Study`, :class:`Series`,
    :class:`AcquisitionParameters`, :class:`Equipment`, :class:`ImageVolume`.
codes
    Species (CID 7454) and breed (CID 7480) codes: ``species_from_name``, ``breed_code``.
uids
    Stable UIDs under the configured root.
writer
    ``write_mr_series`` / ``build_mr_datasets``: MR Image Storage of an animal patient.
reader
    ``read_folder`` / ``read_dicom_file``: priors and USB sticks into study summaries.
deidentify
    ``deidentify_files`` / ``deidentify_dataset`` (PS3.15 basic profile).
association, store, worklist
    ``echo``, ``send_files`` (per-file outcomes for a send queue), ``find_worklist``.
from_recon, from_records
    Raw header and recon volumes, pet records -> the writer's inputs.
recon_export
    ``write_raw_as_dicom``: reconstruct a raw exam into DICOM series of a pet, registered.
send_queue
    ``enqueue_study``, ``work_send_queue``: the records' PACS send queue, worked.
study_export, study_import
    ``export_study`` (DICOMDIR, optionally de-identified), ``import_dicom`` (priors).
animals_to_records, worklist_records
    ``register_animal`` (match or create pet and owner), ``store_worklist``.
"""
