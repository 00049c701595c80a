"""Small real procedures for the analysis tests, frozen here so hand-computed figures stay valid while the
catalogue's own records are edited. Each names the public record it transcribes; durations and applicant times
are modelled (origin: estimate) as the catalogue's editors would, and the comments say so.

Codes starting with 9 are test codes: the source page shows no national code (the portal id is kept in the code's
digits where there is one).

The rates are fixed too (the values of data/parameters/cost.yaml in force on 2025-06-01), so a new income figure
in the data does not move the expected numbers.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from models.catalogue import Catalogue
from models.parameters import CostRates, DatedValue, ParameterSet
from models.procedure import Procedure
from models.registry import Agency

RETRIEVED = date(2026, 11, 23)
SOURCE = {"url": "https://example.invalid/tests", "title": "Test rates", "retrieved": RETRIEVED}


def rates(hourly_income_vnd: int = 30682, day: date = date(2025, 6, 1)) -> CostRates:
    """The cost parameters of data/parameters/cost.yaml on 2025-06-01 (W = 5.400.000 ÷ 22 ÷ 8 = 30.682 đ/giờ)."""
    value = DatedValue.model_validate({"start": "2023-01-01", "value": 0, "source": SOURCE})
    return CostRates(
        as_of=day,
        hourly_income_vnd=Decimal(hourly_income_vnd),
        travel_minutes={"central": 240, "province": 90, "district": 60, "commune": 30},
        travel_cost_vnd={"central": 300000, "province": 50000, "district": 30000, "commune": 10000},
        copy_cost_vnd_per_page=500,
        certification_fee_first_pages_vnd=2000,
        certification_fee_next_pages_vnd=1000,
        certification_fee_cap_vnd=200000,
        certification_minutes=45,
        postage_vnd=30000,
        cut_target_time=Decimal("0.3"),
        cut_target_cost=Decimal("0.3"),
        sources={"hourly_income_vnd": value},
    )


AGENCIES = {
    a.id: a for a in [
        Agency(id="ubnd-xa", name="Ủy ban nhân dân cấp xã", level="commune"),
        Agency(id="cong-an-xa", name="Công an cấp xã", level="commune"),
        Agency(id="bhxh-huyen", name="Bảo hiểm xã hội cấp huyện", level="district"),
        Agency(id="so-tu-phap", name="Sở Tư pháp", level="province"),
        Agency(id="cong-an-tinh", name="Công an cấp tỉnh", level="province"),
        Agency(id="so-gtvt", name="Sở Giao thông vận tải", level="province"),
        Agency(id="phong-dkkd", name="Phòng Đăng ký kinh doanh, Sở Tài chính", level="province"),
        Agency(id="co-quan-thue", name="Cơ quan thuế", level="province"),
    ]
}


def catalogue(*procedures: Procedure) -> Catalogue:
    return Catalogue(procedures={p.code: p for p in procedures}, agencies=AGENCIES, legal={},
                     parameters=ParameterSet(parameters={}))


def step(id: str, name: str, actor: str, kind: str, days: tuple[float, float, float], after: list[str] | None = None,
         **extra: Any) -> dict[str, Any]:
    low, likely, high = days
    return {"id": id, "name": name, "actor": actor, "kind": kind, "origin": extra.pop("origin", "estimate"),
            "duration": {"low": low, "likely": likely, "high": high}, "after": after or [], **extra}


def visit(office: str, queue: int, counter: int, travel: int | None = None) -> dict[str, Any]:
    at: dict[str, Any] = {"queue": queue, "counter": counter}
    if travel is not None:
        at["travel"] = travel
    return {"in_person": True, "office": office, "channel": "in_person", "applicant_time": at}


def procedure(code: str, name: str, url: str, **data: Any) -> Procedure:
    base: dict[str, Any] = {
        "code": code, "name": name, "field": data.pop("field", "Hộ tịch"), "levels": data.pop("levels", ["commune"]),
        "subjects": data.pop("subjects", ["citizen"]), "online": data.pop("online", "none"),
        "results": [{"name": "Kết quả"}], "legal_basis": [{"ref": data.pop("legal", "60/2014/QH13")}],
        "provenance": {"sources": [{"url": url, "retrieved": RETRIEVED}], "modelled": ["steps.duration", "steps.applicant_time"]},
    }
    base.update(data)
    return Procedure.model_validate(base)


def khai_sinh() -> Procedure:
    """Đăng ký khai sinh, cấp xã (1.001193), as the catalogue's exemplar modelled it: prepare, submit in person,
    review, sign, collect in person."""
    return procedure(
        "1.001193", "Thủ tục đăng ký khai sinh",
        "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=187805",
        agencies={"competent": ["ubnd-xa"]},
        channels=[{"kind": "in_person", "time_limit": {"working_days": 1},
                   "fees": [{"kind": "le_phi", "name": "Lệ phí đăng ký khai sinh", "amount_vnd": 0}]}],
        annual_volume={"subjects_per_year": 1200000, "origin": "estimate"},
        documents=[
            {"id": "to-khai", "name": "Tờ khai đăng ký khai sinh theo mẫu", "originals": 1, "form": "Mẫu tờ khai"},
            {"id": "giay-chung-sinh", "name": "Bản chính Giấy chứng sinh", "originals": 1, "issuer": {"kind": "third_party"}},
            {"id": "giay-to-tuy-than", "name": "Giấy tờ tùy thân", "originals": 1, "presented": True,
             "issuer": {"kind": "national_database", "database": "Cơ sở dữ liệu quốc gia về dân cư"}},
        ],
        steps=[
            step("chuan-bi", "Chuẩn bị tờ khai và giấy tờ", "applicant", "prepare", (0, 0, 1),
                 applicant_time={"preparation": 30}),
            step("nop-ho-so", "Nộp hồ sơ tại UBND cấp xã", "applicant", "submit", (0, 0, 0), ["chuan-bi"],
                 **visit("ubnd-xa", 20, 10)),
            step("kiem-tra", "Kiểm tra hồ sơ, ghi Sổ hộ tịch", "ubnd-xa", "review", (0.25, 0.5, 1), ["nop-ho-so"],
                 origin="published"),
            step("ky-cap", "Chủ tịch UBND cấp xã ký Giấy khai sinh", "ubnd-xa", "approve", (0, 0.25, 0.5), ["kiem-tra"]),
            step("nhan-ket-qua", "Nhận Giấy khai sinh", "applicant", "collect", (0, 0, 0), ["ky-cap"],
                 **visit("ubnd-xa", 15, 10)),
        ],
    )


def chung_thuc() -> Procedure:
    """Chứng thực bản sao từ bản chính (dichvucong 207274; 2.000815): fee 2.000 đ/trang for pages 1–2, 1.000 đ
    from page 3 (Thông tư 226/2016/TT-BTC); here a 3-page original, one copy, the applicant waits for it."""
    return procedure(
        "2.000815", "Thủ tục chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan có thẩm quyền của Việt Nam cấp",
        "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=207274",
        field="Chứng thực", legal="23/2015/NĐ-CP",
        agencies={"competent": ["ubnd-xa"]},
        channels=[{"kind": "in_person", "time_limit": {"working_days": 1}, "fees": [
            {"kind": "phi", "name": "Phí chứng thực (trang 1–2)", "amount_vnd": 2000, "per": "page", "quantity": 2},
            {"kind": "phi", "name": "Phí chứng thực (từ trang 3)", "amount_vnd": 1000, "per": "page", "quantity": 1},
        ]}],
        annual_volume={"subjects_per_year": 10000000, "origin": "estimate"},
        documents=[
            {"id": "ban-chinh", "name": "Bản chính giấy tờ làm cơ sở chứng thực", "originals": 1, "presented": True, "pages": 3},
            {"id": "ban-sao", "name": "Bản sao cần chứng thực", "copies": 1, "pages": 3},
        ],
        steps=[
            step("nop", "Nộp bản chính và bản sao", "applicant", "submit", (0, 0, 0), **visit("ubnd-xa", 15, 10)),
            step("chung-thuc", "Đối chiếu, ký chứng thực", "ubnd-xa", "approve", (0, 0.25, 1), ["nop"]),
            step("nhan", "Nhận bản sao đã chứng thực (chờ tại chỗ)", "applicant", "collect", (0, 0, 0), ["chung-thuc"],
                 channel="in_person", applicant_time={"counter": 5}),
        ],
    )


def ly_lich_tu_phap() -> Procedure:
    """Cấp Phiếu lý lịch tư pháp cho công dân (dulieuphaply.vn record; Sở Tư pháp, 10 days, lệ phí 200.000 đ):
    Sở Tư pháp looks up its records and asks the provincial police to verify."""
    return procedure(
        "9.000023", "Thủ tục cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam",
        "https://dulieuphaply.vn/tthc/thu-tuc-cap-phieu-ly-lich-tu-phap-cho-cong-dan-viet-nam-nguoi-nuoc-ngoai-dang-cu-tru-tai-viet-nam-3",
        field="Lý lịch tư pháp", levels=["province"], legal="28/2009/QH12",
        agencies={"competent": ["so-tu-phap"], "coordinating": ["cong-an-tinh"]},
        channels=[{"kind": "in_person", "time_limit": {"working_days": 10},
                   "fees": [{"kind": "le_phi", "name": "Phí cung cấp thông tin lý lịch tư pháp", "amount_vnd": 200000}]}],
        annual_volume={"subjects_per_year": 1000000, "origin": "estimate"},
        documents=[
            {"id": "to-khai", "name": "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp", "originals": 1, "form": "Mẫu số 03/2013/TT-LLTP"},
            {"id": "ban-chup-cccd", "name": "Bản chụp thẻ Căn cước công dân", "copies": 1, "pages": 2},
            {"id": "cccd", "name": "Thẻ Căn cước công dân (xuất trình để đối chiếu)", "originals": 1, "presented": True},
            {"id": "uy-quyen", "name": "Văn bản ủy quyền có chứng thực", "certified_copies": 1,
             "case": "Trường hợp ủy quyền cho người khác"},
        ],
        steps=[
            step("chuan-bi", "Điền tờ khai, chụp giấy tờ", "applicant", "prepare", (0, 0, 0), applicant_time={"preparation": 45}),
            step("nop", "Nộp hồ sơ tại Sở Tư pháp", "applicant", "submit", (0, 0, 0), ["chuan-bi"], **visit("so-tu-phap", 20, 10)),
            step("tra-cuu", "Tra cứu lý lịch tư pháp", "so-tu-phap", "review", (0.5, 1, 2), ["nop"]),
            step("xac-minh", "Công an tỉnh xác minh án tích", "cong-an-tinh", "verify", (2, 5, 7), ["tra-cuu"]),
            step("lap-phieu", "Lập Phiếu lý lịch tư pháp", "so-tu-phap", "issue", (1, 2, 3), ["xac-minh"]),
            step("ky", "Lãnh đạo Sở ký Phiếu", "so-tu-phap", "approve", (0.5, 1, 1), ["lap-phieu"]),
            step("nhan", "Nhận Phiếu lý lịch tư pháp", "applicant", "collect", (0, 0, 0), ["ky"], **visit("so-tu-phap", 15, 5)),
        ],
    )


def lien_thong_khai_sinh() -> Procedure:
    """Liên thông đăng ký khai sinh, đăng ký thường trú, cấp thẻ BHYT cho trẻ dưới 6 tuổi (dichvucong 233448;
    TTLT 05/2015/TTLT-BTP-BCA-BYT): UBND cấp xã is the single desk and sends the dossier to the residence
    registration office and to social insurance in parallel; 20 working days at most."""
    return procedure(
        "9.233448", "Đăng ký liên thông các thủ tục hành chính: đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi",
        "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-lien-thong-chi-tiet.html?ma_thu_tuc=233448",
        legal="05/2015/TTLT-BTP-BCA-BYT", interagency_group="khai-sinh-thuong-tru-bhyt",
        agencies={"competent": ["ubnd-xa"], "coordinating": ["cong-an-xa", "bhxh-huyen"]},
        channels=[{"kind": "in_person", "time_limit": {"working_days": 20}}],
        annual_volume={"subjects_per_year": 1200000, "origin": "estimate"},
        documents=[
            {"id": "to-khai-khai-sinh", "name": "Tờ khai đăng ký khai sinh", "originals": 1, "form": "Mẫu tờ khai"},
            {"id": "giay-chung-sinh", "name": "Giấy chứng sinh", "originals": 1, "issuer": {"kind": "third_party"}},
            {"id": "to-khai-cu-tru", "name": "Tờ khai thay đổi thông tin cư trú", "originals": 1, "form": "CT01"},
            {"id": "to-khai-bhyt", "name": "Tờ khai tham gia bảo hiểm y tế", "originals": 1, "form": "TK1-TS"},
        ],
        steps=[
            step("chuan-bi", "Chuẩn bị hồ sơ", "applicant", "prepare", (0, 0, 0), applicant_time={"preparation": 60}),
            step("nop", "Nộp hồ sơ tại UBND cấp xã", "applicant", "submit", (0, 0, 0), ["chuan-bi"], **visit("ubnd-xa", 20, 15)),
            step("khai-sinh", "Đăng ký khai sinh, chuyển hồ sơ liên thông", "ubnd-xa", "approve", (0.5, 1, 3), ["nop"]),
            step("thuong-tru", "Đăng ký thường trú cho trẻ", "cong-an-xa", "review", (3, 7, 7), ["khai-sinh"]),
            step("the-bhyt", "Cấp thẻ bảo hiểm y tế", "bhxh-huyen", "issue", (2, 5, 5), ["khai-sinh"]),
            step("tra", "Nhận kết quả liên thông về UBND cấp xã", "ubnd-xa", "return_result", (0, 0.5, 1),
                 ["thuong-tru", "the-bhyt"]),
            step("nhan", "Nhận Giấy khai sinh và thẻ BHYT", "applicant", "collect", (0, 0, 0), ["tra"], **visit("ubnd-xa", 15, 10)),
        ],
    )


def doi_gplx() -> Procedure:
    """Đổi Giấy phép lái xe (motcua.daklak.gov.vn 18458; Sở GTVT, 5 working days, lệ phí 135.000 đ,
    Thông tư 188/2016/TT-BTC); the applicant gets the licence by post."""
    return procedure(
        "9.018458", "Đổi Giấy phép lái xe do ngành Giao thông vận tải cấp",
        "https://motcua.daklak.gov.vn/block/phieu-huong-dan/thu-tuc/18458",
        field="Đường bộ", levels=["province"], legal="12/2017/TT-BGTVT",
        agencies={"competent": ["so-gtvt"]},
        channels=[{"kind": "in_person", "time_limit": {"working_days": 5},
                   "fees": [{"kind": "le_phi", "name": "Lệ phí cấp GPLX", "amount_vnd": 135000}]}],
        annual_volume={"subjects_per_year": 2000000, "origin": "estimate"},
        documents=[
            {"id": "ban-sao-gplx", "name": "Bản sao giấy phép lái xe, thẻ căn cước công dân", "copies": 1},
            {"id": "giay-kham-suc-khoe", "name": "Giấy khám sức khỏe của người lái xe", "originals": 1,
             "issuer": {"kind": "third_party"}},
            {"id": "don", "name": "Đơn đề nghị đổi giấy phép lái xe theo mẫu", "originals": 1, "form": "Mẫu 1"},
        ],
        steps=[
            step("chuan-bi", "Điền đơn, chụp giấy tờ", "applicant", "prepare", (0, 0, 0), applicant_time={"preparation": 20}),
            step("nop", "Nộp hồ sơ, chụp ảnh tại Sở GTVT", "applicant", "submit", (0, 0, 0), ["chuan-bi"], **visit("so-gtvt", 30, 10)),
            step("kiem-tra", "Kiểm tra hồ sơ", "so-gtvt", "review", (0.5, 1, 2), ["nop"]),
            step("cap", "In và cấp giấy phép lái xe mới", "so-gtvt", "issue", (2, 4, 4), ["kiem-tra"]),
            step("nhan", "Nhận giấy phép qua bưu chính", "applicant", "collect", (0, 0, 0), ["cap"], channel="post"),
        ],
    )


def thanh_lap_cong_ty() -> Procedure:
    """Đăng ký thành lập công ty TNHH hai thành viên trở lên (dichvucong 4101; 3 working days; in person: lệ phí
    50.000 đ + phí công bố 100.000 đ, Thông tư 47/2019/TT-BTC): two members' identity papers as certified copies."""
    return procedure(
        "9.004101", "Đăng ký thành lập công ty TNHH hai thành viên trở lên",
        "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=4101",
        field="Thành lập và hoạt động doanh nghiệp", levels=["province"], subjects=["business"], legal="59/2020/QH14",
        agencies={"competent": ["phong-dkkd"]},
        channels=[{"kind": "in_person", "time_limit": {"working_days": 3}, "fees": [
            {"kind": "le_phi", "name": "Lệ phí đăng ký doanh nghiệp", "amount_vnd": 50000},
            {"kind": "phi", "name": "Phí công bố nội dung đăng ký doanh nghiệp", "amount_vnd": 100000},
        ]}, {"kind": "online", "time_limit": {"working_days": 3}, "fees": [
            {"kind": "phi", "name": "Phí công bố nội dung đăng ký doanh nghiệp", "amount_vnd": 100000},
        ]}],
        annual_volume={"subjects_per_year": 30000, "origin": "estimate"},
        documents=[
            {"id": "giay-de-nghi", "name": "Giấy đề nghị đăng ký doanh nghiệp", "originals": 1, "form": "Phụ lục I-3"},
            {"id": "dieu-le", "name": "Điều lệ công ty", "originals": 1, "pages": 10},
            {"id": "danh-sach-thanh-vien", "name": "Danh sách thành viên", "originals": 1, "form": "Phụ lục I-6"},
            {"id": "giay-to-phap-ly", "name": "Bản sao giấy tờ pháp lý của cá nhân đối với thành viên", "certified_copies": 2, "pages": 2},
        ],
        steps=[
            step("chuan-bi", "Soạn điều lệ, giấy đề nghị, danh sách thành viên", "applicant", "prepare", (0, 0, 0),
                 applicant_time={"preparation": 240}),
            step("nop", "Nộp hồ sơ tại Phòng Đăng ký kinh doanh", "applicant", "submit", (0, 0, 0), ["chuan-bi"],
                 **visit("phong-dkkd", 20, 10)),
            step("xem-xet", "Xem xét, cấp Giấy chứng nhận đăng ký doanh nghiệp", "phong-dkkd", "issue", (1, 3, 3), ["nop"],
                 origin="published"),
            step("nhan", "Nhận Giấy chứng nhận", "applicant", "collect", (0, 0, 0), ["xem-xet"], **visit("phong-dkkd", 15, 5)),
        ],
    )


def khai_thue() -> Procedure:
    """The published tax-report example (plo.vn): 250.000 đ per filing, 12 filings a year, 325.000 firms.

    Modelled as one online filing of 300 minutes; at W = 50.000 đ/giờ it costs exactly 250.000 đ."""
    return procedure(
        "9.000250", "Khai thuế (ví dụ đã công bố)", "https://plo.vn/",
        field="Thuế", levels=["province"], subjects=["business"], legal="38/2019/QH14",
        agencies={"competent": ["co-quan-thue"]},
        channels=[{"kind": "online", "time_limit": {"working_days": 0}}],
        annual_volume={"subjects_per_year": 325000, "frequency_per_subject": 12, "origin": "estimate"},
        steps=[step("khai", "Lập và nộp tờ khai thuế", "applicant", "submit", (0, 0, 0), channel="online",
                    applicant_time={"preparation": 300})],
    )


REAL = (khai_sinh, chung_thuc, ly_lich_tu_phap, lien_thong_khai_sinh, doi_gplx, thanh_lap_cong_ty)
